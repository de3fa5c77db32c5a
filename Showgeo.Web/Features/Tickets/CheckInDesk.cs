using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Tickets;

/// <summary>A ticket admitted its holder at the door.</summary>
public sealed record TicketCheckedIn(Guid TicketId, Guid EventId, Guid UserId) : IDomainEvent;

public enum CheckInVerdict { Valid, AlreadyUsed, Refunded, Unknown, OtherEvent }

/// <param name="TestPurchase">The ticket's order was paid on the test-payment page: the door should know no money was taken.</param>
public sealed record CheckInResult(CheckInVerdict Verdict, string Code, string? TypeName = null, DateTimeOffset? UsedAt = null,
    bool TestPurchase = false)
{
    public const string TestPurchaseNote = "TEST purchase: paid with a simulated payment, no money was taken.";

    public string Headline => HeadlineOf(Verdict);

    // Part of the detail line, so a plain form's flash carries it over the redirect too.
    public string Detail => TestPurchase && Verdict != CheckInVerdict.OtherEvent ? $"{Line} {TestPurchaseNote}" : Line;

    private string Line => Verdict switch
    {
        CheckInVerdict.Valid => $"{TypeName} — admitted, now marked used.",
        CheckInVerdict.AlreadyUsed => $"{TypeName} — already used at {UsedAt:HH:mm:ss} UTC on {UsedAt:d MMM}.",
        CheckInVerdict.Refunded => $"{TypeName} — this ticket was refunded and does not admit.",
        CheckInVerdict.OtherEvent => "This ticket is for a different event.",
        _ => "No ticket has this code.",
    };

    public static string HeadlineOf(CheckInVerdict verdict) => verdict switch
    {
        CheckInVerdict.Valid => "VALID",
        CheckInVerdict.AlreadyUsed => "ALREADY USED",
        CheckInVerdict.Refunded => "REFUNDED",
        CheckInVerdict.OtherEvent => "WRONG EVENT",
        _ => "UNKNOWN",
    };
}

/// <summary>
/// Admits a ticket with one conditional UPDATE: only the scan that flips Valid → Used gets VALID, so two doors scanning
/// the same code at once produce one admission and one ALREADY USED.
/// </summary>
public sealed class CheckInDesk(ShowgeoDb db, TicketCodes codes, TimeProvider clock)
{
    public async Task<CheckInResult> CheckInAsync(Guid eventId, string? rawCode, CancellationToken ct)
    {
        var code = (rawCode ?? "").Trim();
        if (!codes.IsAuthentic(code)) return new(CheckInVerdict.Unknown, code);
        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var admitted = await db.Database.SqlQuery<Admitted>($"""
                UPDATE tickets t SET status = 'Used', used_at = {now}
                FROM ticket_types tt, orders o
                WHERE t.code = {code} AND t.event_id = {eventId} AND t.status = 'Valid' AND tt.id = t.ticket_type_id
                  AND o.id = t.order_id
                  -- A ticket stops admitting as soon as its refund is requested, not when the provider confirms it.
                  AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = t.order_id AND r.status = 'Pending' AND t.id = ANY (r.unit_ids))
                RETURNING t.id AS "TicketId", t.user_id AS "UserId", tt.name AS "TypeName",
                          o.provider = {PaymentMode.TestProvider} AS "TestPurchase"
                """).ToListAsync(ct);
            if (admitted is [var a])
            {
                await db.PublishAsync(new TicketCheckedIn(a.TicketId, eventId, a.UserId), now, ct);
                await tx.CommitAsync(ct);
                return new(CheckInVerdict.Valid, code, a.TypeName, now, a.TestPurchase);
            }
        }

        var row = await (from t in db.Set<Ticket>().AsNoTracking()
                         join tt in db.Set<TicketType>() on t.TicketTypeId equals tt.Id
                         join o in db.Set<Order>() on t.OrderId equals o.Id
                         where t.Code == code
                         select new
                         {
                             t.EventId, t.Status, t.UsedAt, tt.Name, o.Provider,
                             RefundRequested = db.Set<Refund>().Any(r => r.OrderId == t.OrderId && r.Status == RefundStatus.Pending && r.UnitIds.Contains(t.Id)),
                         }).SingleOrDefaultAsync(ct);
        if (row is null) return new(CheckInVerdict.Unknown, code);
        if (row.EventId != eventId) return new(CheckInVerdict.OtherEvent, code);
        if (row.Status == TicketStatus.Valid && row.RefundRequested) return new(CheckInVerdict.Refunded, code, row.Name, TestPurchase: PaymentMode.IsTest(row.Provider));
        return row.Status switch
        {
            TicketStatus.Used => new(CheckInVerdict.AlreadyUsed, code, row.Name, row.UsedAt, PaymentMode.IsTest(row.Provider)),
            TicketStatus.Refunded => new(CheckInVerdict.Refunded, code, row.Name, TestPurchase: PaymentMode.IsTest(row.Provider)),
            _ => new(CheckInVerdict.Unknown, code),
        };
    }

    private sealed record Admitted(Guid TicketId, Guid UserId, string TypeName, bool TestPurchase);
}

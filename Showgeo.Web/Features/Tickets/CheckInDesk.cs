using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Tickets;

/// <summary>A ticket admitted its holder at the door.</summary>
public sealed record TicketCheckedIn(Guid TicketId, Guid EventId, Guid UserId) : IDomainEvent;

public enum CheckInVerdict { Valid, AlreadyUsed, Refunded, Unknown, OtherEvent }

public sealed record CheckInResult(CheckInVerdict Verdict, string Code, string? TypeName = null, DateTimeOffset? UsedAt = null)
{
    public string Headline => HeadlineOf(Verdict);

    public string Detail => Verdict switch
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
                FROM ticket_types tt
                WHERE t.code = {code} AND t.event_id = {eventId} AND t.status = 'Valid' AND tt.id = t.ticket_type_id
                  -- A ticket stops admitting as soon as its refund is requested, not when the provider confirms it.
                  AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = t.order_id AND r.status = 'Pending' AND t.id = ANY (r.unit_ids))
                RETURNING t.id AS "TicketId", t.user_id AS "UserId", tt.name AS "TypeName"
                """).ToListAsync(ct);
            if (admitted is [var a])
            {
                await db.PublishAsync(new TicketCheckedIn(a.TicketId, eventId, a.UserId), now, ct);
                await tx.CommitAsync(ct);
                return new(CheckInVerdict.Valid, code, a.TypeName, now);
            }
        }

        var row = await (from t in db.Set<Ticket>().AsNoTracking()
                         join tt in db.Set<TicketType>() on t.TicketTypeId equals tt.Id
                         where t.Code == code
                         select new
                         {
                             t.EventId, t.Status, t.UsedAt, tt.Name,
                             RefundRequested = db.Set<Refund>().Any(r => r.OrderId == t.OrderId && r.Status == RefundStatus.Pending && r.UnitIds.Contains(t.Id)),
                         }).SingleOrDefaultAsync(ct);
        if (row is null) return new(CheckInVerdict.Unknown, code);
        if (row.EventId != eventId) return new(CheckInVerdict.OtherEvent, code);
        if (row.Status == TicketStatus.Valid && row.RefundRequested) return new(CheckInVerdict.Refunded, code, row.Name);
        return row.Status switch
        {
            TicketStatus.Used => new(CheckInVerdict.AlreadyUsed, code, row.Name, row.UsedAt),
            TicketStatus.Refunded => new(CheckInVerdict.Refunded, code, row.Name),
            _ => new(CheckInVerdict.Unknown, code),
        };
    }

    private sealed record Admitted(Guid TicketId, Guid UserId, string TypeName);
}

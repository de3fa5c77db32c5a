using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Tickets;

public enum CancellationRefundStatus { Pending, Refunded, Released, Failed }

/// <summary>One order a cancelled event must unwind: a paid order is refunded in full, a pending one releases its hold.</summary>
public sealed class CancellationRefund
{
    public Guid EventId { get; set; }
    public Guid OrderId { get; set; }
    public CancellationRefundStatus Status { get; set; }
    public string? Error { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed record CancellationProgress(int Total, int Done, IReadOnlyList<CancellationFailure> Failures)
{
    public int Waiting => Total - Done - Failures.Count;
    public bool Finished => Done == Total;

    public static async Task<CancellationProgress?> ForEventAsync(ShowgeoDb db, Guid eventId, CancellationToken ct)
    {
        var rows = await db.Set<CancellationRefund>().AsNoTracking().Where(r => r.EventId == eventId)
            .Select(r => new { r.OrderId, r.Status, r.Error }).ToListAsync(ct);
        if (rows.Count == 0) return null;
        return new(rows.Count,
            rows.Count(r => r.Status is CancellationRefundStatus.Refunded or CancellationRefundStatus.Released),
            rows.Where(r => r.Status == CancellationRefundStatus.Failed).Select(r => new CancellationFailure(r.OrderId, r.Error ?? "")).ToList());
    }
}

public sealed record CancellationFailure(Guid OrderId, string Error);

/// <summary>
/// Unwinds a cancelled event in the background: first it records every order still holding money or seats (so the
/// manager sees "n of m"), then refunds or releases each. Safe to run again: an order already refunded or released is
/// skipped, and a failed refund is retried with the outbox's backoff until it succeeds or is dead-lettered.
/// </summary>
public sealed class RefundCancelledEventOrders(ShowgeoDb db, RefundService refunds, OrderFulfilment fulfilment, TimeProvider clock,
    ILogger<RefundCancelledEventOrders> log) : IDomainEventHandler<EventCancelled>
{
    public async Task HandleAsync(EventCancelled cancelled, DomainEventContext context, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO cancellation_refunds (event_id, order_id, status, attempts, updated_at)
            SELECT o.reference_id, o.id, 'Pending', 0, {clock.GetUtcNow()} FROM orders o
            WHERE o.kind = {TicketOrderKind.Name} AND o.reference_id = {cancelled.EventId} AND o.status IN ('Pending', 'Paid', 'PartiallyRefunded')
            ON CONFLICT DO NOTHING
            """, ct);
        var work = await db.Set<CancellationRefund>().AsNoTracking()
            .Where(r => r.EventId == cancelled.EventId && (r.Status == CancellationRefundStatus.Pending || r.Status == CancellationRefundStatus.Failed))
            .OrderBy(r => r.OrderId).Select(r => r.OrderId).ToListAsync(ct);

        var failed = 0;
        foreach (var orderId in work)
        {
            var (status, error) = await UnwindAsync(orderId, cancelled.ByUserId, ct);
            if (status == CancellationRefundStatus.Failed) failed++;
            await db.Database.ExecuteSqlAsync($"""
                UPDATE cancellation_refunds SET status = {status.ToString()}, error = {error}, attempts = attempts + 1, updated_at = {clock.GetUtcNow()}
                WHERE event_id = {cancelled.EventId} AND order_id = {orderId}
                """, ct);
            db.ChangeTracker.Clear();
        }
        if (failed > 0)
            throw new InvalidOperationException($"{failed} of {work.Count} orders of cancelled event {cancelled.EventId} are not refunded yet.");
        log.LogInformation("Cancelled event {Event}: {Count} orders unwound", cancelled.EventId, work.Count);
    }

    private async Task<(CancellationRefundStatus, string?)> UnwindAsync(Guid orderId, Guid byUserId, CancellationToken ct)
    {
        var status = await StatusAsync(orderId, ct);
        if (status == OrderStatus.Pending)
        {
            await fulfilment.ReleaseAsync(orderId, OrderStatus.Cancelled, null, ct);
            // A payment that won the race against the release leaves the order paid: refund it below.
            status = await StatusAsync(orderId, ct);
        }
        if (status is OrderStatus.Paid or OrderStatus.PartiallyRefunded)
        {
            var result = await refunds.RefundAsync(new RefundAsk(orderId, Reason: "Event cancelled"), byUserId, ct);
            // Not confirmed (the provider's answer is outstanding) is listed like a failure; the next pass asks again.
            return result.Ok ? (CancellationRefundStatus.Refunded, null) : (CancellationRefundStatus.Failed, Trim(result.Message));
        }
        return status == OrderStatus.Refunded ? (CancellationRefundStatus.Refunded, null) : (CancellationRefundStatus.Released, null);
    }

    private Task<OrderStatus> StatusAsync(Guid orderId, CancellationToken ct) =>
        db.Set<Order>().AsNoTracking().Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync(ct);

    private static string Trim(string s) => s.Length <= 500 ? s : s[..500];
}

internal sealed class CancellationRefundConfiguration : IEntityTypeConfiguration<CancellationRefund>
{
    public void Configure(EntityTypeBuilder<CancellationRefund> b)
    {
        b.ToTable("cancellation_refunds");
        b.HasKey(x => new { x.EventId, x.OrderId });
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Error).HasMaxLength(500);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.OrderId);
    }
}

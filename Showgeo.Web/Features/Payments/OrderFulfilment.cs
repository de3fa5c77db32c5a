using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Payments;

/// <summary>A payment notification: a Stripe webhook event or a click on the local test-payment page.</summary>
public sealed record PaymentNotice(string Provider, string ExternalEventId, string Type, Guid OrderId,
    string? SessionId = null, string? PaymentId = null, long? AmountMinor = null, string? Currency = null);

public enum FulfilmentOutcome
{
    Fulfilled, Duplicate, AlreadyPaid, UnknownOrder, SessionMismatch, AmountMismatch,
    /// <summary>Paid after the hold had lapsed and the goods were gone: the payment is refunded automatically.</summary>
    RefundedNoSeats,
    Released, NotPending,
}

/// <summary>
/// The single path from "a payment happened (or did not)" to the order's kind delivering or releasing its goods. Every
/// transition locks the order row first, so a webhook, the test-payment page and the hold-release job can race on one
/// order and only one of them wins. Each notice is recorded by its provider id first, so a replay does nothing.
/// </summary>
public sealed class OrderFulfilment(ShowgeoDb db, OrderKinds kinds, IPaymentProvider provider, TimeProvider clock, ILogger<OrderFulfilment> log)
{
    public async Task<FulfilmentOutcome> MarkPaidAsync(PaymentNotice notice, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Refund? autoRefund = null;
        FulfilmentOutcome outcome;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await RecordAsync(notice, now, ct)) return FulfilmentOutcome.Duplicate;
            var order = await db.LockOrderAsync(notice.OrderId, ct);
            outcome = order is null ? FulfilmentOutcome.UnknownOrder
                : notice.SessionId is not null && order.ProviderSessionId is not null && order.ProviderSessionId != notice.SessionId ? FulfilmentOutcome.SessionMismatch
                : notice.AmountMinor is { } amount && (amount != order.TotalMinor || !string.Equals(notice.Currency, order.Currency, StringComparison.OrdinalIgnoreCase)) ? FulfilmentOutcome.AmountMismatch
                : order.Status is OrderStatus.Paid or OrderStatus.Refunded or OrderStatus.PartiallyRefunded ? FulfilmentOutcome.AlreadyPaid
                : FulfilmentOutcome.Fulfilled;

            if (outcome == FulfilmentOutcome.Fulfilled)
            {
                var lines = await db.Set<OrderLine>().Where(l => l.OrderId == order!.Id).OrderBy(l => l.ItemId).ToListAsync(ct);
                // A Cancelled order was abandoned or belongs to something that was called off: never deliver it again.
                var delivered = order!.Status != OrderStatus.Cancelled
                    && await kinds.For(order.Kind).FulfilAsync(order, lines, held: order.Status == OrderStatus.Pending, ct);
                order.ProviderPaymentId = notice.PaymentId ?? order.ProviderPaymentId;
                order.PaidAt = now;
                if (delivered)
                {
                    order.Status = OrderStatus.Paid;
                    order.ClosedAt = null;
                    db.AddDomainEvent(new OrderPaid(order.Id, order.Kind, order.UserId, order.TotalMinor, order.Currency), now);
                }
                else
                {
                    // The hold lapsed (abandoned/expired) and someone else bought the goods before this payment landed.
                    outcome = FulfilmentOutcome.RefundedNoSeats;
                    order.Status = OrderStatus.Refunded;
                    order.RefundedMinor = order.TotalMinor;
                    autoRefund = new Refund
                    {
                        Id = Guid.CreateVersion7(), OrderId = order.Id, AmountMinor = order.TotalMinor, Currency = order.Currency,
                        Status = RefundStatus.Pending, Reason = "Paid after the hold expired and the seats were sold", CreatedAt = now,
                    };
                    if (autoRefund.AmountMinor > 0)
                    {
                        db.Add(autoRefund);
                        // Never delivered, so no OrderPaid; the buyer (and anyone counting money) still hears of the refund.
                        db.AddDomainEvent(new OrderRefunded(order.Id, autoRefund.Id, order.Kind, order.UserId, autoRefund.AmountMinor,
                            order.RefundedMinor, order.Currency, FullyRefunded: true), now);
                    }
                    else autoRefund = null;
                }
                await db.SaveChangesAsync(ct);
            }
            await SetOutcomeAsync(notice, outcome, ct);
            await tx.CommitAsync(ct);
        }
        if (outcome != FulfilmentOutcome.Fulfilled)
            log.LogWarning("Payment notice {Type} {Id} for order {Order}: {Outcome}", notice.Type, notice.ExternalEventId, notice.OrderId, outcome);
        if (autoRefund is not null) await SendRefundAsync(autoRefund, notice.PaymentId, ct);
        return outcome;
    }

    /// <summary>Ends a pending order without payment (failed, expired, abandoned, cancelled) and frees what it held.</summary>
    public async Task<FulfilmentOutcome> ReleaseAsync(Guid orderId, OrderStatus endStatus, PaymentNotice? notice, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (notice is not null && !await RecordAsync(notice, now, ct)) return FulfilmentOutcome.Duplicate;
        var order = await db.LockOrderAsync(orderId, ct);
        var outcome = order is null ? FulfilmentOutcome.UnknownOrder
            : notice?.SessionId is not null && order.ProviderSessionId is not null && order.ProviderSessionId != notice.SessionId ? FulfilmentOutcome.SessionMismatch
            : order.Status != OrderStatus.Pending ? FulfilmentOutcome.NotPending
            : FulfilmentOutcome.Released;
        if (outcome == FulfilmentOutcome.Released)
        {
            await kinds.For(order!.Kind).ReleaseAsync([orderId], ct);
            order.Status = endStatus;
            order.ClosedAt = now;
            await db.SaveChangesAsync(ct);
        }
        if (notice is not null) await SetOutcomeAsync(notice, outcome, ct);
        await tx.CommitAsync(ct);
        return outcome;
    }

    /// <summary>Expires every pending order whose hold has lapsed; safe to run on several instances at once.</summary>
    public async Task<int> ReleaseExpiredHoldsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var lapsed = await db.Database.SqlQuery<LapsedOrder>($"""
            SELECT id AS "Id", kind AS "Kind" FROM orders
            WHERE status = 'Pending' AND hold_expires_at <= {now}
            ORDER BY hold_expires_at LIMIT 500
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (lapsed.Count == 0) return 0;
        foreach (var group in lapsed.GroupBy(o => o.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            await kinds.For(group.Key).ReleaseAsync(group.Select(o => o.Id).ToArray(), ct);
        var ids = lapsed.Select(o => o.Id).ToArray();
        await db.Database.ExecuteSqlAsync($"UPDATE orders SET status = 'Expired', closed_at = {now} WHERE id = ANY({ids})", ct);
        await tx.CommitAsync(ct);
        return lapsed.Count;
    }

    private sealed record LapsedOrder(Guid Id, string Kind);

    private async Task<bool> RecordAsync(PaymentNotice n, DateTimeOffset now, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO payment_events (id, provider, external_id, type, order_id, outcome, received_at)
            VALUES ({Guid.CreateVersion7()}, {n.Provider}, {n.ExternalEventId}, {n.Type}, {(Guid?)n.OrderId}, '', {now})
            ON CONFLICT (provider, external_id) DO NOTHING
            """, ct) == 1;

    private Task SetOutcomeAsync(PaymentNotice n, FulfilmentOutcome outcome, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"UPDATE payment_events SET outcome = {outcome.ToString()} WHERE provider = {n.Provider} AND external_id = {n.ExternalEventId}", ct);

    private async Task SendRefundAsync(Refund refund, string? paymentId, CancellationToken ct)
    {
        string? providerId = null;
        var status = RefundStatus.Failed;
        try
        {
            if (paymentId is null) throw new PaymentProviderException("No payment id to refund against.");
            providerId = await provider.RefundAsync(new RefundRequest(refund.Id, refund.OrderId, paymentId, refund.AmountMinor, refund.Currency), ct);
            status = RefundStatus.Succeeded;
        }
        catch (PaymentProviderException ex)
        {
            log.LogError(ex, "Automatic refund {Refund} for order {Order} failed; a manager must retry it", refund.Id, refund.OrderId);
        }
        await db.Database.ExecuteSqlAsync(
            $"UPDATE refunds SET status = {status.ToString()}, provider_refund_id = {providerId} WHERE id = {refund.Id}", ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Payments;

/// <summary>What to refund: the whole order, chosen units (tickets), or an amount that leaves the units valid.</summary>
public sealed record RefundAsk(Guid OrderId, IReadOnlyCollection<Guid>? UnitIds = null, long? AmountMinor = null, string Reason = "Refunded by organiser");

/// <param name="Pending">Requested, but the provider has not confirmed it yet; it finishes on its own (see <see cref="RefundReconciler"/>).</param>
public sealed record RefundResult(bool Ok, string Message, bool Pending = false);

/// <summary>
/// Refunds in two short transactions around the provider call: first a Pending refund row is written under the order
/// lock (so concurrent refunds cannot exceed what was paid, and the units it covers stop working at once), then, once
/// the provider agrees, the order's kind cancels the refunded units and returns their stock. Each refund keeps one
/// idempotency key (its id) for its whole life: when the provider's answer is lost, the refund stays Pending and is
/// asked about again with the same key, so it is made exactly once.
/// </summary>
public sealed class RefundService(ShowgeoDb db, OrderKinds kinds, IPaymentProvider provider, TimeProvider clock)
{
    public async Task<RefundResult> RefundAsync(RefundAsk ask, Guid? byUserId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Refund refund = null!;
        string paymentId = "";
        (List<Refund> Refunds, string PaymentId)? inProgress = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var order = await db.LockOrderAsync(ask.OrderId, ct);
            if (order is null) return new(false, "That order does not exist.");
            if (order.Status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded))
                return new(false, $"Only paid orders can be refunded (this one is {order.Status}).");
            var pending = await db.Set<Refund>().Where(r => r.OrderId == order.Id && r.Status == RefundStatus.Pending)
                .Select(r => new { r.AmountMinor, r.UnitIds }).ToListAsync(ct);
            var available = order.TotalMinor - order.RefundedMinor - pending.Sum(p => p.AmountMinor);
            var busy = pending.SelectMany(p => p.UnitIds).ToHashSet();
            var refundable = (await kinds.For(order.Kind).RefundableUnitsAsync(order.Id, ct)).Where(u => !busy.Contains(u.Id)).ToList();

            Guid[] unitIds;
            long amount;
            if (ask.AmountMinor is { } partial)
            {
                if (partial <= 0) return new(false, "The refund amount must be more than zero.");
                if (partial > available) return new(false, $"At most {Money.Format(available, order.Currency)} can still be refunded.");
                (unitIds, amount) = ([], partial);
            }
            else if (ask.UnitIds is { Count: > 0 } chosen)
            {
                var picked = refundable.Where(u => chosen.Contains(u.Id)).ToList();
                if (picked.Count != chosen.Count) return new(false, "Those tickets are not part of this order or are already refunded.");
                (unitIds, amount) = (picked.Select(u => u.Id).ToArray(), Math.Min(available, picked.Sum(u => u.PriceMinor - u.RefundedMinor)));
            }
            else
            {
                (unitIds, amount) = (refundable.Select(u => u.Id).ToArray(), available);
            }
            if (amount <= 0 && unitIds.Length == 0)
            {
                // Everything is already being refunded: ask about those refunds again (same keys) instead of a new one.
                if (pending.Count == 0 || order.ProviderPaymentId is null) return new(false, "Nothing is left to refund on this order.");
                inProgress = (await db.Set<Refund>().AsNoTracking().Where(r => r.OrderId == order.Id && r.Status == RefundStatus.Pending)
                    .OrderBy(r => r.CreatedAt).ToListAsync(ct), order.ProviderPaymentId);
            }
            else
            {
                if (order.ProviderPaymentId is null) return new(false, "This order has no payment to refund.");

                refund = new Refund
                {
                    Id = Guid.CreateVersion7(), OrderId = order.Id, UnitIds = unitIds, AmountMinor = Math.Max(amount, 0),
                    Currency = order.Currency, Status = RefundStatus.Pending, Reason = ask.Reason, ByUserId = byUserId, CreatedAt = now,
                };
                paymentId = order.ProviderPaymentId;
                if (refund.AmountMinor == 0)
                {
                    // Free tickets: nothing to send to the provider, just cancel them.
                    refund.Status = RefundStatus.Succeeded;
                    await ApplyAsync(order, refund, ct);
                    await tx.CommitAsync(ct);
                    return new(true, "Tickets cancelled.");
                }
                db.Add(refund);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }

        if (inProgress is var (refunds, payment))
        {
            foreach (var earlier in refunds)
            {
                var again = await SendAsync(earlier, payment, ct);
                if (!again.Ok)
                    return again.Pending
                        ? new(false, "A refund of this order is already in progress; the payment provider has not confirmed it yet. It completes automatically.", Pending: true)
                        : again;
            }
            return new(true, "The refund in progress is confirmed.");
        }
        return await SendAsync(refund, paymentId, ct);
    }

    /// <summary>
    /// Asks the provider again about every refund still Pending after <paramref name="olderThan"/> (same idempotency
    /// key, so a refund the provider already made is answered, not made twice). Returns how many were settled.
    /// </summary>
    public async Task<int> ReconcileAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var before = clock.GetUtcNow() - olderThan;
        var due = await (from r in db.Set<Refund>().AsNoTracking()
                         join o in db.Set<Order>() on r.OrderId equals o.Id
                         where r.Status == RefundStatus.Pending && r.CreatedAt <= before && o.ProviderPaymentId != null
                         orderby r.CreatedAt
                         select new { Refund = r, PaymentId = o.ProviderPaymentId! }).Take(200).ToListAsync(ct);
        var settled = 0;
        foreach (var d in due)
            if (!(await SendAsync(d.Refund, d.PaymentId, ct)).Pending) settled++;
        return settled;
    }

    private async Task<RefundResult> SendAsync(Refund refund, string paymentId, CancellationToken ct)
    {
        string providerRefundId;
        try
        {
            providerRefundId = await provider.RefundAsync(new RefundRequest(refund.Id, refund.OrderId, paymentId, refund.AmountMinor, refund.Currency), ct);
        }
        catch (PaymentProviderException ex) when (ex.OutcomeUnknown)
        {
            return new(false, "The refund is requested but the payment provider has not confirmed it yet; it completes automatically.", Pending: true);
        }
        catch (PaymentProviderException ex)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE refunds SET status = 'Failed' WHERE id = {refund.Id} AND status = 'Pending'", ct);
            return new(false, $"The refund failed: {ex.Message}");
        }
        await CompleteAsync(refund.Id, providerRefundId, ct);
        return new(true, $"Refunded {Money.Format(refund.AmountMinor, refund.Currency)}.");
    }

    /// <summary>Marks a Pending refund succeeded and applies it, once: a second confirmation finds it no longer Pending.</summary>
    private async Task CompleteAsync(Guid refundId, string? providerRefundId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var orderId = await db.Set<Refund>().Where(r => r.Id == refundId).Select(r => r.OrderId).SingleAsync(ct);
        var order = (await db.LockOrderAsync(orderId, ct))!;
        var row = await db.Set<Refund>().SingleAsync(r => r.Id == refundId, ct);
        if (row.Status != RefundStatus.Pending) return;
        row.Status = RefundStatus.Succeeded;
        row.ProviderRefundId = providerRefundId;
        await ApplyAsync(order, row, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A refund made outside the app (Stripe dashboard), learned from charge.refunded.</summary>
    public async Task<bool> RecordExternalRefundAsync(Order lockedOrder, long providerRefundedTotal, CancellationToken ct)
    {
        // Our own Pending refunds that the provider's total now covers went through (their answer was lost): settle them.
        var settled = false;
        foreach (var p in await db.Set<Refund>().Where(r => r.OrderId == lockedOrder.Id && r.Status == RefundStatus.Pending)
                     .OrderBy(r => r.CreatedAt).ToListAsync(ct))
        {
            if (lockedOrder.RefundedMinor + p.AmountMinor > providerRefundedTotal) break;
            p.Status = RefundStatus.Succeeded;
            await ApplyAsync(lockedOrder, p, ct);
            settled = true;
        }
        var pending = await db.Set<Refund>().Where(r => r.OrderId == lockedOrder.Id && r.Status == RefundStatus.Pending).SumAsync(r => r.AmountMinor, ct);
        var extra = Math.Min(providerRefundedTotal, lockedOrder.TotalMinor) - lockedOrder.RefundedMinor - pending;
        if (extra <= 0) return settled;
        var refund = new Refund
        {
            Id = Guid.CreateVersion7(), OrderId = lockedOrder.Id, AmountMinor = extra, Currency = lockedOrder.Currency,
            Status = RefundStatus.Succeeded, Reason = "Refunded at the payment provider", CreatedAt = clock.GetUtcNow(),
        };
        await ApplyAsync(lockedOrder, refund, ct);
        return true;
    }

    /// <summary>Adds the refund to the order's totals and lets its kind cancel the refunded units.</summary>
    private async Task ApplyAsync(Order order, Refund refund, CancellationToken ct)
    {
        if (!db.ChangeTracker.Entries<Refund>().Any(e => e.Entity.Id == refund.Id)) db.Add(refund);
        order.RefundedMinor += refund.AmountMinor;
        var fully = order.RefundedMinor >= order.TotalMinor;
        await kinds.For(order.Kind).RefundedAsync(order, refund.UnitIds, fully, ct);
        order.Status = fully ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        db.AddDomainEvent(new OrderRefunded(order.Id, refund.Id, order.Kind, order.UserId, refund.AmountMinor, order.RefundedMinor,
            order.Currency, fully), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }
}

public static class Money
{
    private static readonly Dictionary<string, int> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase) { ["JPY"] = 0, ["KRW"] = 0, ["VND"] = 0, ["CLP"] = 0, ["ISK"] = 0, ["UGX"] = 0 };

    public static int Decimals(string currency) => ZeroDecimal.ContainsKey(currency) ? 0 : 2;

    public static string Format(long minor, string currency)
    {
        var d = Decimals(currency);
        var major = d == 0 ? minor.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : (minor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        return $"{major} {currency.ToUpperInvariant()}";
    }

    /// <summary>Parses "12.50" into minor units for the currency; null when malformed or with too many decimals.</summary>
    public static long? ParseMinor(string? text, string currency)
    {
        if (!decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)) return null;
        var factor = Decimals(currency) == 0 ? 1m : 100m;
        // Checked before multiplying: a 28-digit amount times 100 overflows decimal itself.
        if (value > long.MaxValue / 2 / factor) return null;
        var minor = value * factor;
        if (minor != decimal.Truncate(minor) || minor > long.MaxValue / 2) return null;
        return (long)minor;
    }
}

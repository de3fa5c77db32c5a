using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Tickets;

/// <summary>What to refund: the whole order, chosen tickets, or an amount that leaves the tickets valid.</summary>
public sealed record RefundAsk(Guid OrderId, IReadOnlyCollection<Guid>? TicketIds = null, long? AmountMinor = null, string Reason = "Refunded by organiser");

public sealed record RefundResult(bool Ok, string Message);

/// <summary>
/// Refunds in two short transactions around the provider call: first a Pending refund row is written under the order
/// lock (so concurrent refunds cannot exceed what was paid), then, once the provider agrees, tickets are refunded and
/// their seats return to inventory.
/// </summary>
public sealed class RefundService(ShowgeoDb db, IPaymentProvider provider, TimeProvider clock)
{
    public async Task<RefundResult> RefundAsync(RefundAsk ask, Guid? byUserId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Refund refund;
        string paymentId;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var order = (await db.Set<Order>().FromSql($"SELECT * FROM orders WHERE id = {ask.OrderId} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
            if (order is null) return new(false, "That order does not exist.");
            if (order.Status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded))
                return new(false, $"Only paid orders can be refunded (this one is {order.Status}).");
            var pending = await db.Set<Refund>().Where(r => r.OrderId == order.Id && r.Status == RefundStatus.Pending)
                .Select(r => new { r.AmountMinor, r.TicketIds }).ToListAsync(ct);
            var available = order.TotalMinor - order.RefundedMinor - pending.Sum(p => p.AmountMinor);
            var busy = pending.SelectMany(p => p.TicketIds).ToHashSet();
            var refundable = await db.Set<Ticket>().Where(t => t.OrderId == order.Id && t.Status != TicketStatus.Refunded)
                .ToListAsync(ct);
            refundable.RemoveAll(t => busy.Contains(t.Id));

            Guid[] ticketIds;
            long amount;
            if (ask.AmountMinor is { } partial)
            {
                if (partial <= 0) return new(false, "The refund amount must be more than zero.");
                if (partial > available) return new(false, $"At most {Money.Format(available, order.Currency)} can still be refunded.");
                (ticketIds, amount) = ([], partial);
            }
            else if (ask.TicketIds is { Count: > 0 } chosen)
            {
                var picked = refundable.Where(t => chosen.Contains(t.Id)).ToList();
                if (picked.Count != chosen.Count) return new(false, "Those tickets are not part of this order or are already refunded.");
                (ticketIds, amount) = (picked.Select(t => t.Id).ToArray(), Math.Min(available, picked.Sum(t => t.PriceMinor - t.RefundedMinor)));
            }
            else
            {
                (ticketIds, amount) = (refundable.Select(t => t.Id).ToArray(), available);
            }
            if (amount <= 0 && ticketIds.Length == 0) return new(false, "Nothing is left to refund on this order.");
            if (order.ProviderPaymentId is null) return new(false, "This order has no payment to refund.");

            refund = new Refund
            {
                Id = Guid.CreateVersion7(), OrderId = order.Id, TicketIds = ticketIds, AmountMinor = Math.Max(amount, 0),
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

        string providerRefundId;
        try
        {
            providerRefundId = await provider.RefundAsync(new RefundRequest(refund.Id, refund.OrderId, paymentId, refund.AmountMinor, refund.Currency), ct);
        }
        catch (PaymentProviderException ex)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE refunds SET status = 'Failed' WHERE id = {refund.Id}", ct);
            return new(false, $"The refund failed: {ex.Message}");
        }

        db.ChangeTracker.Clear();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var order = (await db.Set<Order>().FromSql($"SELECT * FROM orders WHERE id = {refund.OrderId} FOR UPDATE").ToListAsync(ct)).First();
            var row = await db.Set<Refund>().SingleAsync(r => r.Id == refund.Id, ct);
            row.Status = RefundStatus.Succeeded;
            row.ProviderRefundId = providerRefundId;
            await ApplyAsync(order, row, ct);
            await tx.CommitAsync(ct);
        }
        return new(true, $"Refunded {Money.Format(refund.AmountMinor, refund.Currency)}.");
    }

    /// <summary>A refund made outside the app (Stripe dashboard), learned from charge.refunded.</summary>
    public async Task<bool> RecordExternalRefundAsync(Order lockedOrder, long providerRefundedTotal, CancellationToken ct)
    {
        var pending = await db.Set<Refund>().Where(r => r.OrderId == lockedOrder.Id && r.Status == RefundStatus.Pending).SumAsync(r => r.AmountMinor, ct);
        var extra = Math.Min(providerRefundedTotal, lockedOrder.TotalMinor) - lockedOrder.RefundedMinor - pending;
        if (extra <= 0) return false;
        var refund = new Refund
        {
            Id = Guid.CreateVersion7(), OrderId = lockedOrder.Id, AmountMinor = extra, Currency = lockedOrder.Currency,
            Status = RefundStatus.Succeeded, Reason = "Refunded at the payment provider", CreatedAt = clock.GetUtcNow(),
        };
        await ApplyAsync(lockedOrder, refund, ct);
        return true;
    }

    /// <summary>Marks tickets refunded, returns unused seats to inventory and updates the order's totals.</summary>
    private async Task ApplyAsync(Order order, Refund refund, CancellationToken ct)
    {
        if (!db.ChangeTracker.Entries<Refund>().Any(e => e.Entity.Id == refund.Id)) db.Add(refund);
        order.RefundedMinor += refund.AmountMinor;
        var ticketIds = refund.TicketIds;
        if (order.RefundedMinor >= order.TotalMinor)
        {
            // Fully refunded: no ticket of the order may still admit anyone.
            ticketIds = await db.Set<Ticket>().Where(t => t.OrderId == order.Id && t.Status != TicketStatus.Refunded).Select(t => t.Id).ToArrayAsync(ct);
        }
        var tickets = await db.Set<Ticket>().Where(t => ticketIds.Contains(t.Id) && t.Status != TicketStatus.Refunded).ToListAsync(ct);
        foreach (var group in tickets.Where(t => t.Status == TicketStatus.Valid).GroupBy(t => t.TicketTypeId).OrderBy(g => g.Key))
            await db.Database.ExecuteSqlAsync($"UPDATE ticket_types SET sold = sold - {group.Count()} WHERE id = {group.Key}", ct);
        foreach (var t in tickets)
        {
            t.Status = TicketStatus.Refunded;
            t.RefundedMinor = t.PriceMinor;
        }
        order.Status = order.RefundedMinor >= order.TotalMinor ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        db.AddDomainEvent(new OrderRefunded(order.Id, refund.Id, "tickets", order.UserId, refund.AmountMinor, order.RefundedMinor,
            order.Currency, order.Status == OrderStatus.Refunded), clock.GetUtcNow());
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
        var minor = value * factor;
        if (minor != decimal.Truncate(minor) || minor > long.MaxValue / 2) return null;
        return (long)minor;
    }
}

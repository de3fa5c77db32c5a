using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Tickets;

public sealed record HoldResult(Order? Order, string? Error, bool SoldOut = false)
{
    public static HoldResult Invalid(string message) => new(null, message);
}

/// <summary>
/// Turns a fan's quantities into a pending order that holds seats. Everything the fan sent is checked against the
/// database (the form carries only ticket-type ids and quantities); the seats are taken by a conditional UPDATE in the
/// same transaction as the order, so concurrent buyers can never take more than the capacity.
/// </summary>
public sealed class TicketInventory(
    ShowgeoDb db, PaymentCheckout checkout, OrderFulfilment fulfilment, IOptions<TicketingOptions> options, TimeProvider clock)
{
    /// <summary>Holds seats for the viewer <paramref name="access"/> was decided for; refused unless that decision lets them buy.</summary>
    public async Task<HoldResult> HoldAsync(EventAccessDecision access, IReadOnlyDictionary<Guid, int> quantities, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Taking EventAccess's decision rather than ids means no caller can hold seats without asking the one access rule.
        if (access.BuyRefusal is { } refusal) return HoldResult.Invalid(refusal.Message);
        if (access.UserId is not { } userId) return HoldResult.Invalid("Sign in to buy tickets.");
        var eventId = access.Event.Id;

        var wanted = quantities.Where(q => q.Value != 0).ToDictionary();
        if (wanted.Count == 0) return HoldResult.Invalid("Choose how many tickets you want.");
        if (wanted.Any(q => q.Value < 0)) return HoldResult.Invalid("Quantities cannot be negative.");

        var ids = wanted.Keys.ToArray();
        var types = await db.Set<TicketType>().AsNoTracking().Where(t => ids.Contains(t.Id) && t.EventId == eventId).ToListAsync(ct);
        if (types.Count != ids.Length) return HoldResult.Invalid("One of those ticket types is not sold for this event.");
        foreach (var t in types)
        {
            var q = wanted[t.Id];
            if (q > t.MaxPerOrder) return HoldResult.Invalid($"You can buy at most {t.MaxPerOrder} × {t.Name} per order.");
            if (t.SaleStartsAt is { } s && now < s) return HoldResult.Invalid($"{t.Name} goes on sale {s:d MMM yyyy HH:mm} UTC.");
            if (t.SaleEndsAt is { } e && now >= e) return HoldResult.Invalid($"Sales of {t.Name} have ended.");
        }
        if (types.Select(t => t.Currency).Distinct().Count() > 1)
            return HoldResult.Invalid("Tickets priced in different currencies must be bought in separate orders.");

        // REVIEW: counted before the hold's transaction, so two simultaneous checkouts by one account can pass together;
        // the limit is about hoarding over minutes, not milliseconds.
        var unpaid = await db.Set<Order>().ForEvent(eventId)
            .CountAsync(o => o.UserId == userId && o.Status == OrderStatus.Pending && o.HoldExpiresAt > now, ct);
        if (unpaid >= options.Value.MaxPendingOrders)
            return HoldResult.Invalid($"You already have {unpaid} unpaid orders for this event. Pay for one, or wait for its hold to end, before starting another.");

        // Fast refusal when the row already shows no room and no lapsed hold could free any: in a flash sale most
        // buyers land here, and skipping the write transaction keeps them off the hot ticket_types row lock.
        // The conditional UPDATE below stays the only thing that grants seats.
        if (types.FirstOrDefault(t => t.Sold + t.Held + wanted[t.Id] > t.Capacity) is { } full
            && !await HasLapsedHoldsAsync(full.Id, now, ct))
            return new HoldResult(null, $"Sold out: not enough {full.Name} tickets left for {wanted[full.Id]}.", SoldOut: true);

        var order = new Order
        {
            Id = Guid.CreateVersion7(), UserId = userId, Kind = TicketOrderKind.Name, ReferenceId = eventId, Status = OrderStatus.Pending,
            Currency = types[0].Currency, Provider = checkout.ProviderName, CreatedAt = now,
            HoldExpiresAt = now + checkout.HoldDuration(options.Value.Hold),
            Lines = types.OrderBy(t => t.Id).Select(t => new OrderLine
            {
                Id = Guid.CreateVersion7(), ItemId = t.Id, Name = t.Name, Quantity = wanted[t.Id], UnitPriceMinor = t.PriceMinor,
            }).ToList(),
        };
        order.TotalMinor = order.Lines.Sum(l => l.UnitPriceMinor * l.Quantity);

        var soldOut = await checkout.PlaceAsync(order, ct);
        if (soldOut is not null && await HasLapsedHoldsAsync(soldOut.ItemId, now, ct))
        {
            // Lazily free seats whose holds lapsed before the release job got to them, then try once more.
            await fulfilment.ReleaseExpiredHoldsAsync(ct);
            soldOut = await checkout.PlaceAsync(order, ct);
        }
        if (soldOut is not null)
            return new HoldResult(null, $"Sold out: not enough {soldOut.Name} tickets left for {soldOut.Quantity}.", SoldOut: true);
        return new HoldResult(order, null);
    }

    /// <summary>Starts payment for a held order; if the provider fails the hold is released at once.</summary>
    public Task<(CheckoutStart? Start, string? Error)> StartPaymentAsync(Order order, string baseUrl, string? email, CancellationToken ct) =>
        checkout.StartAsync(order, baseUrl, email, ct);

    private Task<bool> HasLapsedHoldsAsync(Guid ticketTypeId, DateTimeOffset now, CancellationToken ct) =>
        db.Set<Order>().AnyAsync(o => o.Status == OrderStatus.Pending && o.HoldExpiresAt <= now
            && o.Kind == TicketOrderKind.Name && o.Lines.Any(l => l.ItemId == ticketTypeId), ct);
}

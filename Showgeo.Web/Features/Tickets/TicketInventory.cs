using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Tickets;

/// <param name="Types">All of the event's ticket types as the refusal saw them, for the ticket section it comes back in; null when the caller should read them.</param>
public sealed record HoldResult(Order? Order, string? Error, bool SoldOut = false, IReadOnlyList<TicketTypeRow>? Types = null)
{
    public static HoldResult Invalid(string message, IReadOnlyList<TicketTypeRow>? types = null) => new(null, message, Types: types);
}

/// <summary>
/// Turns a fan's quantities into a pending order that holds seats. Everything the fan sent is checked against the
/// database (the form carries only ticket-type ids and quantities); the seats are taken by a conditional UPDATE in the
/// same transaction as the order, so concurrent buyers can never take more than the capacity.
/// </summary>
public sealed class TicketInventory(
    ShowgeoDb db, TicketQueries queries, SoldOutShelf shelf, PaymentCheckout checkout, OrderFulfilment fulfilment,
    IOptions<TicketingOptions> options, TimeProvider clock)
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

        // In a flash sale most buyers land here: a reading from the last moment already says their type is gone.
        if (shelf.Recent(eventId, now) is { } recent && Problem(recent, wanted, now) is null && Short(recent, wanted) is { } gone)
            return SoldOut(gone, wanted, recent);

        var types = await queries.TypesAsync(eventId, ct);
        if (Problem(types, wanted, now) is { } problem) return HoldResult.Invalid(problem, types);

        // REVIEW: counted before the hold's transaction, so two simultaneous checkouts by one account can pass together;
        // the limit is about hoarding over minutes, not milliseconds.
        var unpaid = await db.Set<Order>().ForEvent(eventId)
            .CountAsync(o => o.UserId == userId && o.Status == OrderStatus.Pending && o.HoldExpiresAt > now, ct);
        if (unpaid >= options.Value.MaxPendingOrders)
            return HoldResult.Invalid($"You already have {unpaid} unpaid orders for this event. Pay for one, or wait for its hold to end, before starting another.", types);

        // Fast refusal when the row already shows no room and no lapsed hold could free any: skipping the write
        // transaction keeps these buyers off the hot ticket_types row lock. The conditional UPDATE below stays the
        // only thing that grants seats.
        if (Short(types, wanted) is { } full && !await HasLapsedHoldsAsync(full.Id, now, ct))
        {
            shelf.Offer(eventId, types, now);
            return SoldOut(full, wanted, types);
        }

        var chosen = types.Where(t => wanted.ContainsKey(t.Id)).OrderBy(t => t.Id).ToList();
        var order = new Order
        {
            Id = Guid.CreateVersion7(), UserId = userId, Kind = TicketOrderKind.Name, ReferenceId = eventId, Status = OrderStatus.Pending,
            Currency = chosen[0].Currency, Provider = checkout.ProviderName, CreatedAt = now,
            HoldExpiresAt = now + checkout.HoldDuration(options.Value.Hold),
            Lines = chosen.Select(t => new OrderLine
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
        {
            // Lost the race for the last seats: the rows read above are stale, so the section shows fresh ones.
            var fresh = await queries.TypesAsync(eventId, ct);
            shelf.Offer(eventId, fresh, now);
            return new HoldResult(null, SoldOutMessage(soldOut.Name, soldOut.Quantity), SoldOut: true, Types: fresh);
        }
        return new HoldResult(order, null);
    }

    /// <summary>Why <paramref name="wanted"/> cannot be ordered from <paramref name="types"/> (all of the event's types), whatever the stock; null when it can.</summary>
    private static string? Problem(IReadOnlyList<TicketTypeRow> types, Dictionary<Guid, int> wanted, DateTimeOffset now)
    {
        var chosen = types.Where(t => wanted.ContainsKey(t.Id)).ToList();
        if (chosen.Count != wanted.Count) return "One of those ticket types is not sold for this event.";
        foreach (var t in chosen)
        {
            var q = wanted[t.Id];
            if (q > t.MaxPerOrder) return $"You can buy at most {t.MaxPerOrder} × {t.Name} per order.";
            if (t.SaleStartsAt is { } s && now < s) return $"{t.Name} goes on sale {s:d MMM yyyy HH:mm} UTC.";
            if (t.SaleEndsAt is { } e && now >= e) return $"Sales of {t.Name} have ended.";
        }
        if (chosen.Select(t => t.Currency).Distinct().Count() > 1)
            return "Tickets priced in different currencies must be bought in separate orders.";
        return null;
    }

    /// <summary>The first wanted type that has fewer seats left than wanted, by the rows' counts.</summary>
    private static TicketTypeRow? Short(IReadOnlyList<TicketTypeRow> types, Dictionary<Guid, int> wanted) =>
        types.FirstOrDefault(t => wanted.TryGetValue(t.Id, out var q) && t.Sold + t.Held + q > t.Capacity);

    private static HoldResult SoldOut(TicketTypeRow full, Dictionary<Guid, int> wanted, IReadOnlyList<TicketTypeRow> types) =>
        new(null, SoldOutMessage(full.Name, wanted[full.Id]), SoldOut: true, Types: types);

    private static string SoldOutMessage(string name, int quantity) => $"Sold out: not enough {name} tickets left for {quantity}.";

    /// <summary>Starts payment for a held order; if the provider fails the hold is released at once.</summary>
    public Task<(CheckoutStart? Start, string? Error)> StartPaymentAsync(Order order, string baseUrl, string? email, CancellationToken ct) =>
        checkout.StartAsync(order, baseUrl, email, ct);

    private Task<bool> HasLapsedHoldsAsync(Guid ticketTypeId, DateTimeOffset now, CancellationToken ct) =>
        db.Set<Order>().AnyAsync(o => o.Status == OrderStatus.Pending && o.HoldExpiresAt <= now
            && o.Kind == TicketOrderKind.Name && o.Lines.Any(l => l.ItemId == ticketTypeId), ct);
}

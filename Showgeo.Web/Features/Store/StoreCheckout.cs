using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Store;

public sealed record StoreCheckoutResult(Order? Order, string? Error, bool SoldOut = false);

/// <summary>
/// Turns one store's part of the cart into a pending "store" order that holds its stock. The lines, quantities and
/// prices are read again from the database at this moment (the form carries only the store's id and the address);
/// a line that became unavailable or changed price since the fan saw it stops the checkout, so the amount charged is
/// always the server's total of prices the fan was shown.
/// </summary>
public sealed class StoreCheckout(ShowgeoDb db, CartService cart, PaymentCheckout checkout, OrderFulfilment fulfilment,
    StoreOrderDrafts drafts, IOptions<StoreOptions> options, TimeProvider clock, IHttpContextAccessor http)
{
    public async Task<StoreCheckoutResult> PlaceAsync(Guid entityId, ShippingAddress? address, CancellationToken ct)
    {
        if (EntityAccess.UserId(http.HttpContext!.User) is not { } userId) return new(null, "Sign in to check out.");
        var view = await cart.ViewAsync(ct);
        if (view.Groups.FirstOrDefault(g => g.EntityId == entityId) is not { } group)
            return new(null, "Your cart has nothing from that store.");
        if (group.Lines.FirstOrDefault(l => l.Problem is not null) is { } blocked)
            return new(null, $"{blocked.FullName}: {blocked.Problem} Remove it or change it before checking out.");
        if (group.Lines.Any(l => l.PriceChanged))
            return new(null, "Some prices changed since you added them. Check the new prices in your cart and accept them before checking out.");
        if (group.RequiresShipping && address is null) return new(null, "Enter a shipping address.");

        var now = clock.GetUtcNow();
        var unpaid = await db.Set<Order>().ForStore(entityId)
            .CountAsync(o => o.UserId == userId && o.Status == OrderStatus.Pending && o.HoldExpiresAt > now, ct);
        if (unpaid >= options.Value.MaxPendingOrders)
            return new(null, $"You already have {unpaid} unpaid orders from this store. Pay for one, or wait for its hold to end, first.");

        var order = new Order
        {
            Id = Guid.CreateVersion7(), UserId = userId, Kind = StoreOrderKind.Name, ReferenceId = entityId, Status = OrderStatus.Pending,
            Currency = group.Currency, Provider = checkout.ProviderName, CreatedAt = now,
            HoldExpiresAt = now + checkout.HoldDuration(options.Value.Hold),
            Lines = group.Lines.OrderBy(l => l.VariantId).Select(l => new OrderLine
            {
                Id = Guid.CreateVersion7(), ItemId = l.VariantId, Name = Truncate(l.FullName, 120), Quantity = l.Quantity,
                UnitPriceMinor = l.UnitPriceMinor,
            }).ToList(),
        };
        order.TotalMinor = order.Lines.Sum(l => l.UnitPriceMinor * l.Quantity);
        drafts.Set(order.Id, group.RequiresShipping ? address : null);

        var unheld = await checkout.PlaceAsync(order, ct);
        if (unheld is not null && await HasLapsedHoldsAsync(unheld.ItemId, now, ct))
        {
            // Lazily free stock whose holds lapsed before the release job got to them, then try once more.
            await fulfilment.ReleaseExpiredHoldsAsync(ct);
            unheld = await checkout.PlaceAsync(order, ct);
        }
        if (unheld is not null) return new(null, $"Sold out: not enough {unheld.Name} left for {unheld.Quantity}.", SoldOut: true);
        return new(order, null);
    }

    private Task<bool> HasLapsedHoldsAsync(Guid variantId, DateTimeOffset now, CancellationToken ct) =>
        db.Set<Order>().AnyAsync(o => o.Status == OrderStatus.Pending && o.HoldExpiresAt <= now
            && o.Kind == StoreOrderKind.Name && o.Lines.Any(l => l.ItemId == variantId), ct);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

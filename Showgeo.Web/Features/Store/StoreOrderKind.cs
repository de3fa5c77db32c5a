using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Store;

/// <summary>A shipping address as the checkout validated it.</summary>
public sealed record ShippingAddress(string Name, string Line1, string? Line2, string City, string Postcode, string Country);

/// <summary>
/// What checkout knows about an order that Payments' order row does not carry (the shipping address), handed to
/// <see cref="StoreOrderKind.HoldAsync"/> in the same scope so it is written in the order's own transaction.
/// </summary>
public sealed class StoreOrderDrafts
{
    private readonly Dictionary<Guid, ShippingAddress?> _shipping = [];

    public void Set(Guid orderId, ShippingAddress? address) => _shipping[orderId] = address;

    public ShippingAddress? ShippingFor(Guid orderId) => _shipping.GetValueOrDefault(orderId);
}

public static class StoreOrders
{
    /// <summary>The store orders of one entity.</summary>
    public static IQueryable<Order> ForStore(this IQueryable<Order> orders, Guid entityId) =>
        orders.Where(o => o.Kind == StoreOrderKind.Name && o.ReferenceId == entityId);
}

/// <summary>
/// The store as an order kind: an order's reference is the entity whose store sold it, its items are product
/// variants, its refundable units are its lines. Stock moves only by conditional updates on product_variants inside
/// Payments' transaction (held while paying, sold on success, given back on release or refund), so concurrent
/// buyers never take more than the stock.
/// </summary>
public sealed class StoreOrderKind(ShowgeoDb db, StoreOrderDrafts drafts, TimeProvider clock, LinkGenerator links) : IOrderKind
{
    public const string Name = "store";

    public string Kind => Name;

    public async Task<OrderLine?> HoldAsync(Order order, CancellationToken ct)
    {
        // In variant id order, so two carts holding the same variants lock their rows in the same order.
        foreach (var line in order.Lines.OrderBy(l => l.ItemId))
        {
            var rows = await db.Database.ExecuteSqlAsync($"""
                UPDATE product_variants SET held = held + {line.Quantity}
                WHERE id = {line.ItemId} AND (stock IS NULL OR sold + held + {line.Quantity} <= stock)
                """, ct);
            if (rows == 0) return line;
        }
        var variantIds = order.Lines.Select(l => l.ItemId).ToArray();
        var products = await (from v in db.Set<ProductVariant>().AsNoTracking()
                              join p in db.Set<Product>() on v.ProductId equals p.Id
                              where variantIds.Contains(v.Id)
                              select new { VariantId = v.Id, ProductId = p.Id, p.EventId, p.Kind }).ToDictionaryAsync(x => x.VariantId, ct);
        var shipping = drafts.ShippingFor(order.Id);
        db.Add(new StoreOrder
        {
            OrderId = order.Id, EntityId = order.ReferenceId!.Value,
            RequiresShipping = products.Values.Any(p => p.Kind == ProductKind.Physical),
            ShipName = shipping?.Name, ShipLine1 = shipping?.Line1, ShipLine2 = shipping?.Line2, ShipCity = shipping?.City,
            ShipPostcode = shipping?.Postcode, ShipCountry = shipping?.Country,
        });
        foreach (var line in order.Lines)
        {
            var p = products[line.ItemId];
            db.Add(new StoreOrderLine
            {
                OrderLineId = line.Id, OrderId = order.Id, ProductId = p.ProductId, VariantId = line.ItemId, EventId = p.EventId,
                IsDigital = p.Kind == ProductKind.Digital,
            });
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<bool> FulfilAsync(Order order, IReadOnlyList<OrderLine> lines, bool held, CancellationToken ct)
    {
        // A payment that lands after the store was suspended is refunded, never delivered.
        var open = await db.Set<Entity>().AnyAsync(e => e.Id == order.ReferenceId && e.SuspendedAt == null, ct);
        if (!open)
        {
            if (held) await ReleaseAsync([order.Id], ct);
            return false;
        }
        if (held)
        {
            foreach (var line in lines)
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE product_variants SET held = held - {line.Quantity}, sold = sold + {line.Quantity} WHERE id = {line.ItemId}", ct);
        }
        else if (!await ReReserveAsync(lines, ct))
        {
            return false;
        }
        // What was bought leaves the buyer's cart only now: an abandoned payment keeps the cart as it was.
        var variantIds = lines.Select(l => l.ItemId).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM cart_lines WHERE variant_id = ANY({variantIds})
              AND cart_id IN (SELECT id FROM carts WHERE user_id = {order.UserId})
            """, ct);
        return true;
    }

    public async Task ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct)
    {
        var ids = orderIds.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE product_variants v SET held = v.held - x.q
            FROM (SELECT item_id, sum(quantity)::int AS q FROM order_lines WHERE order_id = ANY({ids}) GROUP BY item_id ORDER BY item_id) x
            WHERE v.id = x.item_id
            """, ct);
    }

    public async Task<IReadOnlyList<RefundableUnit>> RefundableUnitsAsync(Guid orderId, CancellationToken ct) =>
        await (from s in db.Set<StoreOrderLine>().AsNoTracking()
               join l in db.Set<OrderLine>() on s.OrderLineId equals l.Id
               where s.OrderId == orderId && s.RefundedAt == null
               orderby l.Id
               select new RefundableUnit(l.Id, l.UnitPriceMinor * l.Quantity, 0)).ToListAsync(ct);

    /// <summary>Refunded lines stop downloading at once and give their units back to stock.</summary>
    public async Task RefundedAsync(Order order, IReadOnlyCollection<Guid> unitIds, bool fullyRefunded, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var refunded = await (from s in db.Set<StoreOrderLine>()
                              join l in db.Set<OrderLine>() on s.OrderLineId equals l.Id
                              where s.OrderId == order.Id && s.RefundedAt == null && (fullyRefunded || unitIds.Contains(s.OrderLineId))
                              select new { Line = s, l.Quantity }).ToListAsync(ct);
        foreach (var group in refunded.GroupBy(r => r.Line.VariantId).OrderBy(g => g.Key))
            await db.Database.ExecuteSqlAsync(
                $"UPDATE product_variants SET sold = sold - {group.Sum(r => r.Quantity)} WHERE id = {group.Key}", ct);
        foreach (var r in refunded) r.Line.RefundedAt = now;
    }

    public string ReceiptPath(Guid orderId) =>
        links.GetPathByPage("/Store/OrderDetails", values: new { orderId }) ?? throw new InvalidOperationException("The store order page has no route.");

    public async Task<string> TitleAsync(Order order, CancellationToken ct) =>
        (await db.Set<Entity>().Where(e => e.Id == order.ReferenceId).Select(e => e.Name).SingleOrDefaultAsync(ct) ?? "Store") + " store";

    /// <summary>A payment for a lapsed hold: take the stock again if it is still there, all or nothing.</summary>
    private async Task<bool> ReReserveAsync(IReadOnlyList<OrderLine> lines, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction!;
        await tx.CreateSavepointAsync("restock", ct);
        foreach (var line in lines.OrderBy(l => l.ItemId))
        {
            var rows = await db.Database.ExecuteSqlAsync($"""
                UPDATE product_variants SET sold = sold + {line.Quantity}
                WHERE id = {line.ItemId} AND (stock IS NULL OR sold + held + {line.Quantity} <= stock)
                """, ct);
            if (rows == 0)
            {
                await tx.RollbackToSavepointAsync("restock", ct);
                return false;
            }
        }
        return true;
    }
}

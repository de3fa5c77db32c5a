using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Store.Manage;

public sealed record ProductSales(Guid ProductId, int Units, long RevenueMinor);

public sealed record EventSales(Guid EventId, string Title, int Units, long RevenueMinor);

/// <summary>The manager's store: products with stock and sales, and sales per event where products are attached to one.</summary>
public sealed class StoreModel(ShowgeoDb db, ManagedEntityGate gate) : PageModel
{
    public ManagedEntity Entity { get; private set; } = null!;
    public List<Product> Products { get; private set; } = [];
    public Dictionary<Guid, ProductSales> Sales { get; private set; } = [];
    public List<EventSales> ByEvent { get; private set; } = [];
    public string Currency => Products.FirstOrDefault()?.Currency ?? "EUR";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var (entity, denied) = await gate.CheckAsync(slug, User, StorePermissions.Products, ct);
        if (denied is not null) return denied;
        Entity = entity!;
        Products = await db.Set<Product>().AsNoTracking().Include(p => p.Variants).Where(p => p.EntityId == Entity.Id)
            .OrderBy(p => p.Name).ToListAsync(ct);
        // Lines of paid store orders that were not refunded: what the numbers count.
        var sold = from s in db.Set<StoreOrderLine>()
                   join l in db.Set<OrderLine>() on s.OrderLineId equals l.Id
                   join o in db.Set<Order>() on s.OrderId equals o.Id
                   where o.Kind == StoreOrderKind.Name && o.ReferenceId == Entity.Id && s.RefundedAt == null
                         && (o.Status == OrderStatus.Paid || o.Status == OrderStatus.PartiallyRefunded)
                   select new { s.ProductId, s.EventId, l.Quantity, Amount = l.UnitPriceMinor * l.Quantity };
        Sales = (await sold.GroupBy(x => x.ProductId)
                .Select(g => new { g.Key, Units = g.Sum(x => x.Quantity), Revenue = g.Sum(x => x.Amount) }).ToListAsync(ct))
            .ToDictionary(x => x.Key, x => new ProductSales(x.Key, x.Units, x.Revenue));
        var perEvent = await sold.Where(x => x.EventId != null).GroupBy(x => x.EventId!.Value)
            .Select(g => new { EventId = g.Key, Units = g.Sum(x => x.Quantity), Revenue = g.Sum(x => x.Amount) }).ToListAsync(ct);
        var ids = perEvent.Select(e => e.EventId).ToArray();
        var titles = await db.Set<Event>().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Title, ct);
        ByEvent = perEvent.Select(e => new EventSales(e.EventId, titles.GetValueOrDefault(e.EventId, "(deleted event)"), e.Units, e.Revenue))
            .OrderByDescending(e => e.RevenueMinor).ToList();
        return Page();
    }
}

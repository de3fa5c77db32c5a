using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Store;

public sealed record StoreOrderLineView(Guid LineId, string Name, int Quantity, long UnitPriceMinor, bool IsDigital, bool Refunded, string? DownloadUrl);

/// <summary>
/// A fan's store order: items, totals, status, shipping, and for digital items download links made fresh on every
/// view (signed, expiring after <see cref="DownloadLinks.Lifetime"/>, valid only for this account). Only the buyer
/// sees the order; anyone else gets 404.
/// </summary>
public sealed class OrderDetailsModel(ShowgeoDb db, DownloadLinks downloads, AssetService assets, TimeProvider clock) : PageModel
{
    public Order Order { get; private set; } = null!;
    public StoreOrder Store { get; private set; } = null!;
    public string StoreName { get; private set; } = "";
    public List<StoreOrderLineView> Lines { get; private set; } = [];
    public string? Message { get; private set; }
    public DateTimeOffset LinksExpireAt { get; private set; }
    public bool Delivered => Order.Status is OrderStatus.Paid or OrderStatus.PartiallyRefunded;

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken ct)
    {
        if (!await LoadAsync(orderId, ct)) return NotFound();
        Message = Flash.Take(TempData);
        if (Request.Query.ContainsKey("cancelled") && Order.Status == OrderStatus.Pending) Message ??= "Payment was not completed.";
        return Page();
    }

    /// <summary>Streams a digital item to its buyer when the link is genuine, unexpired, theirs, and the line still paid for.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(Guid orderId, Guid lineId, string? t, CancellationToken ct)
    {
        if (EntityAccess.UserId(User) is not { } userId || !downloads.Verify(t, lineId, userId)) return NotFound();
        var line = await (from s in db.Set<StoreOrderLine>().AsNoTracking()
                          join o in db.Set<Order>() on s.OrderId equals o.Id
                          join p in db.Set<Product>() on s.ProductId equals p.Id
                          where s.OrderLineId == lineId && s.OrderId == orderId && o.UserId == userId && s.IsDigital && s.RefundedAt == null
                                && (o.Status == OrderStatus.Paid || o.Status == OrderStatus.PartiallyRefunded)
                          select new { p.DigitalAssetId }).SingleOrDefaultAsync(ct);
        if (line?.DigitalAssetId is not { } assetId) return NotFound();
        var asset = await db.Set<Asset>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || await assets.OpenAsync(asset, ct) is not { } content) return NotFound();
        Response.Headers.CacheControl = "private, no-store";
        Response.Headers.XContentTypeOptions = "nosniff";
        return File(content, asset.ContentType, asset.FileName);
    }

    private async Task<bool> LoadAsync(Guid orderId, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == userId && o.Kind == StoreOrderKind.Name, ct);
        if (order is null) return false;
        Order = order;
        Store = await db.Set<StoreOrder>().AsNoTracking().SingleAsync(s => s.OrderId == orderId, ct);
        StoreName = await db.Set<Entity>().Where(e => e.Id == Store.EntityId).Select(e => e.Name).SingleAsync(ct);
        var extra = await db.Set<StoreOrderLine>().AsNoTracking().Where(s => s.OrderId == orderId).ToDictionaryAsync(s => s.OrderLineId, ct);
        LinksExpireAt = clock.GetUtcNow() + DownloadLinks.Lifetime;
        foreach (var l in order.Lines.OrderBy(l => l.Name))
        {
            var s = extra[l.Id];
            var url = s.IsDigital && s.RefundedAt is null && Delivered
                ? Url.Page("/Store/OrderDetails", "Download", new { orderId, lineId = l.Id, t = downloads.Mint(l.Id, userId!.Value, LinksExpireAt) })
                : null;
            Lines.Add(new StoreOrderLineView(l.Id, l.Name, l.Quantity, l.UnitPriceMinor, s.IsDigital, s.RefundedAt is not null, url));
        }
        return true;
    }
}

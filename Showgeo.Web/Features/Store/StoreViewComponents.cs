using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Store;

/// <summary>The header's cart link with the number of items; <see cref="Oob"/> when sent as an htmx out-of-band swap.</summary>
public sealed record CartBadge(int Count, bool Oob = false);

/// <summary>The header's cart badge, on every page (the layout invokes it).</summary>
public sealed class CartBadgeViewComponent(CartService cart) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        int count;
        try
        {
            count = await cart.CountAsync(HttpContext.RequestAborted);
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
        {
            // The "briefly unavailable" page renders this layout too: show the link without a count.
            count = 0;
        }
        return View("~/Features/Store/_CartBadge.cshtml", new CartBadge(count));
    }
}

public sealed record AttachedProduct(string EntitySlug, string Slug, string Name, long PriceMinor, string Currency, Guid? ImageAssetId, bool BeforeDrop);

/// <summary>The products attached to an event or a tour that the viewer may see, for that event's or tour's page.</summary>
public sealed class AttachedProductsViewComponent(ShowgeoDb db, ProductAccess access) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid? eventId = null, Guid? tourId = null)
    {
        var ct = HttpContext.RequestAborted;
        var products = await db.Set<Product>().AsNoTracking().Include(p => p.Variants)
            .Where(p => (eventId != null && p.EventId == eventId) || (tourId != null && p.TourId == tourId))
            .Where(p => p.Visibility != ProductVisibility.Draft)
            .OrderBy(p => p.Name).Take(24).ToListAsync(ct);
        var shown = new List<AttachedProduct>();
        foreach (var p in products)
        {
            var d = await access.DecideAsync(p, HttpContext.User, ct);
            if (d.Page != ProductPageAccess.Full) continue;
            shown.Add(new AttachedProduct(d.EntitySlug, p.Slug, p.Name, p.PriceMinor, p.Currency, p.ImageAssetIds.FirstOrDefault() is var i && i != Guid.Empty ? i : null, d.BeforeDrop));
        }
        return View("~/Features/Store/_AttachedProducts.cshtml", shown);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Store;

/// <summary>An entity's store: every product the viewer may know of (restricted ones by name, with what unlocks them).</summary>
public sealed class IndexModel(ShowgeoDb db, ProductAccess access) : PageModel
{
    public string EntityName { get; private set; } = "";
    public string EntitySlug { get; private set; } = "";
    public List<ProductAccessDecision> Products { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Slug == slug).Select(e => new { e.Id, e.Name, e.Slug }).SingleOrDefaultAsync(ct);
        if (entity is null) return NotFound();
        (EntityName, EntitySlug) = (entity.Name, entity.Slug);
        var products = await db.Set<Product>().AsNoTracking().Include(p => p.Variants)
            .Where(p => p.EntityId == entity.Id).OrderBy(p => p.DropAt ?? p.CreatedAt).ThenBy(p => p.Name).ToListAsync(ct);
        foreach (var p in products)
        {
            var d = await access.DecideAsync(p, User, ct);
            if (d.Page != ProductPageAccess.Hidden) Products.Add(d);
        }
        // A suspended entity's store is hidden like its products (the rule hides each of them).
        if (Products.Count == 0 && products.Count > 0) return NotFound();
        return Page();
    }
}

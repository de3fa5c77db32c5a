using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Events;

public sealed class DetailsModel(ShowgeoDb db) : PageModel
{
    public Event Event { get; private set; } = null!;
    public string EntityName { get; private set; } = "";
    public string EntitySlug { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var found = await db.Set<Event>().AsNoTracking()
            .Where(e => e.Slug == slug && e.Phase != EventPhase.Draft && e.Entity!.SuspendedAt == null)
            .Select(e => new { Event = e, e.Entity!.Name, e.Entity.Slug })
            .SingleOrDefaultAsync(ct);
        if (found is null) return NotFound();
        (Event, EntityName, EntitySlug) = (found.Event, found.Name, found.Slug);
        return Page();
    }
}

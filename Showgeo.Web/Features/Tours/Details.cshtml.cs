using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Tours;

/// <summary>The public page of a tour: its stops in date order. A suspended entity's tours do not exist for the public.</summary>
public sealed class DetailsModel(ShowgeoDb db) : PageModel
{
    public sealed record TourView(Guid Id, string Slug, string Name, string Description, string EntityName, string EntitySlug, bool EntityVerified);

    public TourView Tour { get; private set; } = null!;
    public IReadOnlyList<EventCard> Stops { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var tour = await db.Set<Tour>().AsNoTracking()
            .Where(t => t.Slug == slug && t.Entity!.SuspendedAt == null)
            .Select(t => new TourView(t.Id, t.Slug, t.Name, t.Description, t.Entity!.Name, t.Entity.Slug, t.Entity.IsVerified))
            .SingleOrDefaultAsync(ct);
        if (tour is null) return NotFound();
        Tour = tour;
        // Only what an event page would show a stranger: no drafts, no cancelled dates, nothing unlisted or followers-only.
        Stops = await EventCard.Project(db.Set<Event>().AsNoTracking()
                .Where(e => e.TourId == tour.Id && e.Visibility == EventVisibility.Public
                            && e.Phase != EventPhase.Draft && e.Phase != EventPhase.Cancelled)
                .OrderBy(e => e.StartsAt).ThenBy(e => e.Id))
            .ToListAsync(ct);
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Follow;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tours;

/// <summary>The public page of a tour: its stops in date order. A suspended entity's tours do not exist for the public.</summary>
[OutputCache(PolicyName = PageCache.TourPage)]
public sealed class DetailsModel(ShowgeoDb db, ViewerFollows follows) : PageModel
{
    public sealed record TourView(Guid Id, Guid EntityId, string Slug, string Name, string Description, string EntityName, string EntitySlug, bool EntityVerified);

    public TourView Tour { get; private set; } = null!;
    public IReadOnlyList<EventCard> Stops { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var tour = await db.Set<Tour>().AsNoTracking()
            .Where(t => t.Slug == slug && t.Entity!.SuspendedAt == null)
            .Select(t => new TourView(t.Id, t.EntityId, t.Slug, t.Name, t.Description, t.Entity!.Name, t.Entity.Slug, t.Entity.IsVerified))
            .SingleOrDefaultAsync(ct);
        if (tour is null) return NotFound();
        Tour = tour;
        // Its stops notify under the tour's tag, a change of the entity (name, suspension) under the entity's.
        PageCache.Tag(HttpContext, PageCacheTags.Tour(tour.Id), PageCacheTags.Entity(tour.EntityId));
        // Past and upcoming stops alike, but only listed ones: no drafts, no cancelled dates, nothing unlisted or followers-only.
        var stops = await EventCard.Project(db.Set<Event>().AsNoTracking()
                .Where(e => e.TourId == tour.Id).Listed()
                .OrderBy(e => e.StartsAt).ThenBy(e => e.Id))
            .ToListAsync(ct);
        Stops = await EventCard.WithFollowButtonsAsync(stops, follows, Request.Path + Request.QueryString, ct);
        return Page();
    }
}

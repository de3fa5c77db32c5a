using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Follow;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Entities;

/// <summary>The public face of an entity at /e/{slug}. Suspended entities do not exist for the public.</summary>
[OutputCache(PolicyName = PageCache.EntityPage)]
public sealed class EntityProfileModel(ShowgeoDb db, ViewerFollows follows, TimeProvider clock) : PageModel
{
    private const int EventsShown = 20;

    public sealed record EntityView(Guid Id, string Slug, string Name, EntityKind Kind, string Bio, string[] Genres,
        string[] Links, string? City, string? Country, bool IsVerified, Guid? AvatarAssetId, Guid? BannerAssetId, int FollowerCount);

    public sealed record TourLink(string Slug, string Name);

    public EntityView Entity { get; private set; } = null!;
    public FollowButton Follow { get; private set; } = null!;
    public IReadOnlyList<EventCard> Upcoming { get; private set; } = [];
    public IReadOnlyList<EventCard> Past { get; private set; } = [];
    public IReadOnlyList<TourLink> Tours { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var entity = await db.Set<Entity>().AsNoTracking()
            .Where(e => e.Slug == slug && e.SuspendedAt == null)
            .Select(e => new EntityView(e.Id, e.Slug, e.Name, e.Kind, e.Bio, e.Genres, e.Links, e.City, e.Country,
                e.IsVerified, e.AvatarAssetId, e.BannerAssetId, e.FollowerCount))
            .SingleOrDefaultAsync(ct);
        if (entity is null) return NotFound();
        Entity = entity;
        // Its events and tours notify under the entity's tag too (migration 0148).
        PageCache.Tag(HttpContext, PageCacheTags.Entity(entity.Id));

        var now = clock.GetUtcNow();
        var shown = db.Set<Event>().AsNoTracking().Where(e => e.EntityId == entity.Id).Listed();
        var upcoming = await EventCard.Project(shown.Upcoming(now).OrderBy(e => e.StartsAt).ThenBy(e => e.Id))
            .Take(EventsShown).ToListAsync(ct);
        var past = await EventCard.Project(shown.Past(now).OrderByDescending(e => e.StartsAt).ThenBy(e => e.Id))
            .Take(EventsShown).ToListAsync(ct);
        Tours = await db.Set<Tour>().AsNoTracking()
            .Where(t => t.EntityId == entity.Id)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new TourLink(t.Slug, t.Name))
            .ToListAsync(ct);

        // Every card here is this entity's, and the page shows its button once, at the top.
        var here = Request.Path + Request.QueryString;
        Follow = await follows.ButtonAsync(entity.Id, entity.Name, entity.FollowerCount, here, ct);
        Upcoming = await EventCard.WithFollowButtonsAsync(upcoming, follows, here, ct, shownElsewhere: entity.Id);
        Past = await EventCard.WithFollowButtonsAsync(past, follows, here, ct, shownElsewhere: entity.Id);
        return Page();
    }
}

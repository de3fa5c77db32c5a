using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features;

[OutputCache(PolicyName = PageCache.HomePage)]
public sealed class IndexModel(ShowgeoDb db, TimeProvider clock, Follow.ViewerFollows follows) : PageModel
{
    public IReadOnlyList<EventCard> Upcoming { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        PageCache.Tag(HttpContext, PageCacheTags.Listings);
        var cards = await EventCard.Project(db.Set<Event>().AsNoTracking()
                .Listed().Upcoming(clock.GetUtcNow())
                .OrderBy(e => e.StartsAt))
            .Take(12)
            .ToListAsync(ct);
        Upcoming = await EventCard.WithFollowButtonsAsync(cards, follows, Request.Path + Request.QueryString, ct);
    }
}

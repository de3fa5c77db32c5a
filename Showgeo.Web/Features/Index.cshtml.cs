using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features;

public sealed class IndexModel(ShowgeoDb db, TimeProvider clock, Follow.ViewerFollows follows) : PageModel
{
    public IReadOnlyList<EventCard> Upcoming { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Upcoming = await EventCard.Project(db.Set<Event>().AsNoTracking()
                .Where(e => e.Visibility == EventVisibility.Public
                            && (e.Phase == EventPhase.Pre || e.Phase == EventPhase.Live)
                            && e.EndsAt >= now
                            && e.Entity!.SuspendedAt == null)
                .OrderBy(e => e.StartsAt))
            .Take(12)
            .ToListAsync(ct);
        await follows.LoadAsync(Upcoming.Select(e => e.EntityId), ct);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tours;

namespace Showgeo.Web.Features.Entities.Manage;

/// <summary>An entity's back-office home for any of its members; a suspended entity shows why, here and only here.</summary>
public sealed class DashboardModel(ShowgeoDb db, ManagedEntityGate gate, TimeProvider clock) : PageModel
{
    public ManagedEntity Entity { get; private set; } = null!;
    public int MemberCount { get; private set; }
    public int TourCount { get; private set; }
    public int UpcomingEventCount { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var result = await gate.CheckAsync(slug, User, EntityPermission.RunEvents, ct);
        if (result.Denied is { } denied) return denied;
        Entity = result.Entity!;
        var now = clock.GetUtcNow();
        MemberCount = await db.Set<EntityMember>().CountAsync(m => m.EntityId == Entity.Id, ct);
        TourCount = await db.Set<Tour>().CountAsync(t => t.EntityId == Entity.Id, ct);
        UpcomingEventCount = await db.Set<Event>().CountAsync(e => e.EntityId == Entity.Id && e.EndsAt >= now, ct);
        return Page();
    }
}

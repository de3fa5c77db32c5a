using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Memberships;

public sealed record TierOffer(MembershipTier Tier, bool Full);

/// <summary>What the entity page's tiers section shows: the open tiers, and the viewer's own tier if they are a member.</summary>
public sealed record EntityTiers(IReadOnlyList<TierOffer> Tiers, string? MyTier, bool SignedIn);

/// <summary>The tiers section of an entity page (<c>_EntityTiers.cshtml</c>): three queries, whatever the number of tiers.</summary>
public sealed class MembershipTiersViewComponent(ShowgeoDb db, TimeProvider clock) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid entityId)
    {
        var ct = HttpContext.RequestAborted;
        var now = clock.GetUtcNow();
        var tiers = await db.Set<MembershipTier>().AsNoTracking().Where(t => t.EntityId == entityId && t.ArchivedAt == null)
            .OrderBy(t => t.Rank).ThenBy(t => t.CreatedAt).ToListAsync(ct);
        var ids = tiers.Select(t => t.Id).ToArray();
        var taken = await db.Set<Membership>().AsNoTracking().WithAccess(now).Where(m => ids.Contains(m.TierId))
            .GroupBy(m => m.TierId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        string? mine = null;
        var userId = EntityAccess.UserId(UserClaimsPrincipal);
        if (userId is { } uid)
            mine = (await MembershipAccess.BadgesAsync(db, entityId, [uid], now, ct)).GetValueOrDefault(uid);
        var offers = tiers.Select(t => new TierOffer(t, t.MemberLimit is { } l && taken.GetValueOrDefault(t.Id) >= l)).ToList();
        return View("~/Features/Memberships/_EntityTiers.cshtml", new EntityTiers(offers, mine, userId is not null));
    }
}

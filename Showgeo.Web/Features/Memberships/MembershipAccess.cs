using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// The one rule for "is this fan a member": a membership of the entity whose <see cref="Membership.AccessUntil"/> is
/// after now. Lapsing (a renewal failed past the grace period, or the membership ended) removes access at once, a
/// renewal restores it; every feature that gates on membership (events, chat badges, posts) asks here.
/// </summary>
public static class MembershipAccess
{
    /// <summary>Memberships that give access at <paramref name="now"/>. The single predicate every query below uses.</summary>
    public static IQueryable<Membership> WithAccess(this IQueryable<Membership> memberships, DateTimeOffset now) =>
        memberships.Where(m => m.AccessUntil != null && m.AccessUntil > now);

    /// <summary>The highest rank of a tier <paramref name="userId"/> has access to on the entity, or null if none.</summary>
    public static async Task<int?> RankAsync(ShowgeoDb db, Guid userId, Guid entityId, DateTimeOffset now, CancellationToken ct = default) =>
        await (from m in db.Set<Membership>().AsNoTracking().WithAccess(now)
               join t in db.Set<MembershipTier>() on m.TierId equals t.Id
               where m.UserId == userId && m.EntityId == entityId
               select (int?)t.Rank).MaxAsync(ct);

    /// <summary>Whether the user has access to the tier <paramref name="tierId"/> or one ranked above it.</summary>
    public static async Task<bool> HasTierOrAboveAsync(ShowgeoDb db, Guid userId, Guid tierId, DateTimeOffset now, CancellationToken ct = default)
    {
        var tier = await db.Set<MembershipTier>().AsNoTracking().Where(t => t.Id == tierId)
            .Select(t => new { t.EntityId, t.Rank }).SingleOrDefaultAsync(ct);
        return tier is not null && await RankAsync(db, userId, tier.EntityId, now, ct) is { } rank && rank >= tier.Rank;
    }

    /// <summary>For member badges: each of <paramref name="userIds"/> who is a member now → the name of their highest tier.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> BadgesAsync(ShowgeoDb db, Guid entityId, IReadOnlyCollection<Guid> userIds,
        DateTimeOffset now, CancellationToken ct = default)
    {
        if (userIds.Count == 0) return new Dictionary<Guid, string>();
        var ids = userIds.Distinct().ToArray();
        var rows = await (from m in db.Set<Membership>().AsNoTracking().WithAccess(now)
                          join t in db.Set<MembershipTier>() on m.TierId equals t.Id
                          where m.EntityId == entityId && ids.Contains(m.UserId)
                          select new { m.UserId, t.Rank, t.Name }).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Rank)!.Name);
    }
}

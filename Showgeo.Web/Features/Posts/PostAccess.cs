using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Memberships;

namespace Showgeo.Web.Features.Posts;

/// <summary>What one viewer is to one entity, as far as its posts go.</summary>
public sealed record PostViewer(Guid? UserId, bool IsTeam, bool Follows, int? MemberRank)
{
    public static readonly PostViewer Anonymous = new(null, false, false, null);
}

/// <summary>How much of a post a viewer gets.</summary>
public enum PostRead
{
    /// <summary>Answer 404: not out yet (draft or scheduled) and the viewer is not on the team.</summary>
    Hidden,
    /// <summary>The title and what unlocks the post; never the body, its image or its comments.</summary>
    Teaser,
    Full,
}

/// <summary>Why a teaser is locked and the one step that unlocks it.</summary>
public sealed record PostLock(string Message, string ActionLabel, string ActionUrl);

/// <summary>The facts about a post that its access rule needs.</summary>
public sealed record PostGate(PostVisibility Visibility, bool IsOut, int? MinTierRank, string? MinTierName);

/// <summary>
/// The one rule for who reads a post, asked by the post page, its comment handlers, the entity page, the list and the
/// feed. The entity's team reads everything (drafts included); everyone else reads what is out and, for followers-only
/// and members-only posts, only when they follow or hold a tier at least as high as the post's.
/// </summary>
public static class PostAccess
{
    public static (PostRead Read, PostLock? Lock) Decide(PostGate post, PostViewer viewer, string entitySlug, string entityName)
    {
        if (viewer.IsTeam) return (PostRead.Full, null);
        if (!post.IsOut) return (PostRead.Hidden, null);
        var profile = $"/e/{entitySlug}";
        switch (post.Visibility)
        {
            case PostVisibility.Followers when !viewer.Follows:
                return (PostRead.Teaser, new PostLock($"This post is for followers of {entityName}.", $"Follow {entityName} to read it", profile));
            case PostVisibility.Members when !(viewer.MemberRank is { } rank && post.MinTierRank is { } min && rank >= min):
                var tier = post.MinTierName is null ? "members" : $"members of {post.MinTierName} or above";
                return (PostRead.Teaser, new PostLock($"This post is for {tier}.", $"Join {post.MinTierName ?? "a membership"} to read it", profile + "#membership-tiers"));
            default:
                return (PostRead.Full, null);
        }
    }
}

/// <summary>Finds what viewers are to entities: team roles, follows and membership ranks, in a constant number of queries.</summary>
public sealed class PostReaders(ShowgeoDb db, TimeProvider clock)
{
    public async Task<PostViewer> ForEntityAsync(Guid entityId, ClaimsPrincipal user, CancellationToken ct) =>
        (await ForEntitiesAsync([entityId], user, ct))[entityId];

    public async Task<IReadOnlyDictionary<Guid, PostViewer>> ForEntitiesAsync(IReadOnlyCollection<Guid> entityIds, ClaimsPrincipal user, CancellationToken ct)
    {
        if (EntityAccess.UserId(user) is not { } userId)
            return entityIds.Distinct().ToDictionary(id => id, _ => PostViewer.Anonymous);
        var ids = entityIds.Distinct().ToArray();
        var team = await db.Set<EntityMember>().AsNoTracking().Where(m => m.UserId == userId && ids.Contains(m.EntityId))
            .Select(m => m.EntityId).ToListAsync(ct);
        var follows = await db.Set<Follow.Follow>().AsNoTracking().Where(f => f.UserId == userId && ids.Contains(f.EntityId))
            .Select(f => f.EntityId).ToListAsync(ct);
        var ranks = await MemberRanksAsync(userId, ids, ct);
        return ids.ToDictionary(id => id, id => new PostViewer(userId, team.Contains(id), follows.Contains(id), ranks.GetValueOrDefault(id)));
    }

    /// <summary>What the access rule needs to know about each post, in one query.</summary>
    public async Task<IReadOnlyDictionary<Guid, PostGate>> GatesAsync(IReadOnlyCollection<Guid> postIds, DateTimeOffset now, CancellationToken ct)
    {
        var ids = postIds.Distinct().ToArray();
        var rows = await (from p in db.Set<Post>().AsNoTracking()
                          join t in db.Set<MembershipTier>() on p.MembersTierId equals t.Id into tiers
                          from t in tiers.DefaultIfEmpty()
                          where ids.Contains(p.Id)
                          select new { p.Id, p.Visibility, p.PublishAt, Rank = (int?)t!.Rank, Name = t!.Name }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => new PostGate(r.Visibility, r.PublishAt is { } at && at <= now,
            r.Visibility == PostVisibility.Members ? r.Rank : null, r.Visibility == PostVisibility.Members ? r.Name : null));
    }

    /// <summary>The highest tier rank the user holds on each entity, where they hold one.</summary>
    private async Task<Dictionary<Guid, int?>> MemberRanksAsync(Guid userId, Guid[] entityIds, CancellationToken ct)
    {
        // MembershipAccess.RankAsync for several entities at once (a feed page spans many), on its one access predicate.
        var rows = await (from m in db.Set<Membership>().AsNoTracking().WithAccess(clock.GetUtcNow())
                          join t in db.Set<MembershipTier>() on m.TierId equals t.Id
                          where m.UserId == userId && entityIds.Contains(m.EntityId)
                          group t.Rank by m.EntityId into g
                          select new { EntityId = g.Key, Rank = g.Max() }).ToListAsync(ct);
        return rows.ToDictionary(r => r.EntityId, r => (int?)r.Rank);
    }
}

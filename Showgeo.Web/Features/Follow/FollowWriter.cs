using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Follow;

/// <summary>A fan started following an entity (not raised for a repeated follow).</summary>
public sealed record EntityFollowed(Guid EntityId, Guid UserId) : IDomainEvent;

public sealed record EntityUnfollowed(Guid EntityId, Guid UserId) : IDomainEvent;

public enum FollowOutcome { Done, EntityNotFound, EntitySuspended }

public sealed record FollowResult(FollowOutcome Outcome, int FollowerCount, bool IsFollowing);

/// <summary>
/// Writes follows and keeps entities.follower_count exact. The entity row is locked first, so concurrent follows of one
/// entity queue on that lock; the counter moves only when a follow row was really inserted or deleted, inside the same
/// transaction — a double click or fifty fans at once never drift the count.
/// </summary>
public sealed class FollowWriter(ShowgeoDb db, TimeProvider clock)
{
    public Task<FollowResult> FollowAsync(Guid userId, Guid entityId, CancellationToken ct) => ChangeAsync(userId, entityId, follow: true, ct);

    public Task<FollowResult> UnfollowAsync(Guid userId, Guid entityId, CancellationToken ct) => ChangeAsync(userId, entityId, follow: false, ct);

    private async Task<FollowResult> ChangeAsync(Guid userId, Guid entityId, bool follow, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // ToListAsync, not Single…: EF would wrap the SQL in a sub-select, which PostgreSQL refuses for UPDATE … RETURNING.
        var entity = await db.Database
            .SqlQuery<LockedEntity>($"SELECT follower_count AS \"FollowerCount\", suspended_at IS NOT NULL AS \"Suspended\" FROM entities WHERE id = {entityId} FOR NO KEY UPDATE")
            .ToListAsync(ct) is [var row] ? row : null;
        if (entity is null) return new(FollowOutcome.EntityNotFound, 0, false);
        // Fans may always leave a suspended entity; nobody may join one.
        if (follow && entity.Suspended)
            return new(FollowOutcome.EntitySuspended, entity.FollowerCount, await IsFollowingAsync(userId, entityId, ct));

        var now = clock.GetUtcNow();
        var changed = follow
            ? await db.Database.ExecuteSqlAsync(
                $"INSERT INTO follows (user_id, entity_id, created_at) VALUES ({userId}, {entityId}, {now}) ON CONFLICT DO NOTHING", ct)
            : await db.Database.ExecuteSqlAsync(
                $"DELETE FROM follows WHERE user_id = {userId} AND entity_id = {entityId}", ct);
        var count = entity.FollowerCount;
        if (changed == 1)
        {
            var delta = follow ? 1 : -1;
            count = (await db.Database
                .SqlQuery<int>($"UPDATE entities SET follower_count = follower_count + {delta} WHERE id = {entityId} RETURNING follower_count AS \"Value\"")
                .ToListAsync(ct)).Single();
            await db.PublishAsync(follow ? new EntityFollowed(entityId, userId) : new EntityUnfollowed(entityId, userId), now, ct);
        }
        await tx.CommitAsync(ct);
        return new(FollowOutcome.Done, count, follow);
    }

    private Task<bool> IsFollowingAsync(Guid userId, Guid entityId, CancellationToken ct) =>
        db.Set<Follow>().AnyAsync(f => f.UserId == userId && f.EntityId == entityId, ct);

    private sealed record LockedEntity(int FollowerCount, bool Suspended);
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Features.Notifications;

/// <summary>A notice to store: direct (<see cref="UserId"/>) or an entity's broadcast (<see cref="EntityId"/>).</summary>
public sealed record NewNotification(string Kind, string SourceKey, string Title, string Body, string? Link)
{
    public Guid? UserId { get; init; }
    public Guid? EntityId { get; init; }
    public Guid? EventId { get; init; }
    public bool ToFollowers { get; init; }
    public int? Reach { get; init; }

    public string Topic => UserId is { } u ? NotificationTopics.User(u) : NotificationTopics.Entity(EntityId!.Value);
}

public static class NotificationTopics
{
    public static string User(Guid userId) => $"user:{userId}";
    public static string Entity(Guid entityId) => $"entity:{entityId}";
}

/// <summary>
/// Stores notifications and announces them on the live stream. Every write takes one transaction-scoped advisory lock
/// before it draws its <c>seq</c>, so seq order is commit order: a stream that has delivered seq 41 can never later
/// see a 40 commit (with a plain sequence, two writers could commit 41 before 40, and a reconnect "after 41" would
/// skip 40). Writes are one row each and rare next to reads, so the lock costs little.
/// </summary>
public sealed class NotificationWriter(ShowgeoDb db, TimeProvider clock)
{
    // Arbitrary but fixed: every instance's notification writes queue on the same lock.
    private const long WriteLock = 0x4e_6f_74_69_66_79;

    public Task<bool> ExistsAsync(string sourceKey, CancellationToken ct) =>
        db.Set<Notification>().AnyAsync(n => n.SourceKey == sourceKey, ct);

    /// <summary>Stores <paramref name="n"/> unless its source key is already stored; returns its seq, or null if it was a repeat.</summary>
    public async Task<long?> WriteAsync(NewNotification n, CancellationToken ct)
    {
        if ((n.UserId is null) == (n.EntityId is null)) throw new ArgumentException("A notification is either direct or a broadcast.", nameof(n));
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({WriteLock})", ct);
            var inserted = await db.Database.SqlQuery<long>($"""
                INSERT INTO notifications (id, seq, kind, source_key, user_id, entity_id, event_id, to_followers, title, body, link, reach, created_at)
                VALUES ({Guid.CreateVersion7()}, nextval('notification_seq'), {n.Kind}, {n.SourceKey}, {n.UserId}, {n.EntityId}, {n.EventId},
                        {n.ToFollowers}, {Trim(n.Title, 300)}, {Trim(n.Body, 1000)}, {n.Link}, {n.Reach}, {clock.GetUtcNow()})
                ON CONFLICT (source_key) DO NOTHING
                RETURNING seq AS "Value"
                """).ToListAsync(ct);
            if (inserted is not [var seq])
            {
                await tx.RollbackAsync(ct);
                return (long?)null;
            }
            await db.AnnounceLiveAsync(NotificationFeed.FeedName, n.Topic, seq, ct);
            await tx.CommitAsync(ct);
            return seq;
        });
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

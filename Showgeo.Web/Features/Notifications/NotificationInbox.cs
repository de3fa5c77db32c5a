using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Notifications;

/// <summary>One notice as a person sees it.</summary>
public sealed record NotificationView(Guid Id, long Seq, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, bool Unread);

public sealed record InboxPage(IReadOnlyList<NotificationView> Items, long? OlderThan, int UnreadCount);

/// <summary>
/// A person's notifications, computed on read: their direct rows plus the broadcasts of the entities they follow (since
/// they followed) and of the events they hold tickets or RSVPs for, filtered by their settings (see
/// <see cref="NotificationAudience"/>). Read state is a watermark ("everything up to seq N") plus one mark per item
/// read singly. Every method issues a constant number of queries.
/// </summary>
public sealed class NotificationInbox(ShowgeoDb db, TimeProvider clock)
{
    public const int PageSize = 20;
    public const int ReplayLimit = 200;

    private sealed record Me(long ReadThrough, string[] Muted);

    private async Task<Me> MeAsync(Guid userId, CancellationToken ct) =>
        await db.Set<NotificationSettings>().AsNoTracking().Where(s => s.UserId == userId)
            .Select(s => new Me(s.ReadThrough, s.MutedKinds)).SingleOrDefaultAsync(ct) ?? new Me(0, []);

    public async Task<int> UnreadCountAsync(Guid userId, CancellationToken ct)
    {
        var me = await MeAsync(userId, ct);
        var sql = $"""
            SELECT count(*)::int AS "Value" FROM ({NotificationAudience.VisibleIds("n.seq > @rt")}) v
             WHERE NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = @u AND r.notification_id = v.id)
            """;
        return (await db.Database.SqlQueryRaw<int>(sql, Parameters(userId, me, ("rt", me.ReadThrough))).ToListAsync(ct)).Single();
    }

    /// <summary>Newest first, <see cref="PageSize"/> at a time; <paramref name="olderThan"/> is the previous page's last seq.</summary>
    public async Task<InboxPage> PageAsync(Guid userId, long? olderThan, CancellationToken ct)
    {
        var me = await MeAsync(userId, ct);
        var rows = await ListAsync(userId, me, "n.seq < @before", "DESC", PageSize + 1, ("before", olderThan ?? long.MaxValue), ct);
        var unread = await UnreadCountAsync(userId, ct);
        var items = rows.Take(PageSize).ToList();
        return new InboxPage(items, rows.Count > PageSize ? items[^1].Seq : null, unread);
    }

    /// <summary>What the live stream replays on a reconnect: visible notices after <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<NotificationView>> AfterAsync(Guid userId, long after, CancellationToken ct)
    {
        var me = await MeAsync(userId, ct);
        return await ListAsync(userId, me, "n.seq > @after", "ASC", ReplayLimit, ("after", after), ct);
    }

    public async Task<NotificationView?> FindAsync(Guid userId, Guid id, CancellationToken ct)
    {
        var me = await MeAsync(userId, ct);
        var rows = await ListAsync(userId, me, "n.id = @id", "ASC", 1, ("id", id), ct);
        return rows.SingleOrDefault();
    }

    private async Task<List<NotificationView>> ListAsync(Guid userId, Me me, string condition, string order, int take,
        (string Name, object Value) extra, CancellationToken ct)
    {
        var sql = $"""
            SELECT n.id AS "Id", n.seq AS "Seq", n.kind AS "Kind", n.title AS "Title", n.body AS "Body", n.link AS "Link",
                   n.created_at AS "CreatedAt", (n.seq > @rt AND r.user_id IS NULL) AS "Unread"
              FROM ({NotificationAudience.VisibleIds(condition)}) v
              JOIN notifications n ON n.id = v.id
              LEFT JOIN notification_reads r ON r.user_id = @u AND r.notification_id = n.id
             ORDER BY n.seq {order}
             LIMIT {take}
            """;
        return await db.Database.SqlQueryRaw<NotificationView>(sql, Parameters(userId, me, ("rt", me.ReadThrough), extra)).ToListAsync(ct);
    }

    private static object[] Parameters(Guid userId, Me me, params (string Name, object Value)[] more)
    {
        var list = new List<object>
        {
            new NpgsqlParameter("u", userId),
            new NpgsqlParameter("muted", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = me.Muted },
        };
        foreach (var (name, value) in more)
            if (list.OfType<NpgsqlParameter>().All(p => p.ParameterName != name)) list.Add(new NpgsqlParameter(name, value));
        return list.ToArray();
    }

    /// <summary>Marks one notice read, if the person may see it. False when it is not theirs to read.</summary>
    public async Task<bool> MarkReadAsync(Guid userId, Guid id, CancellationToken ct)
    {
        if (await FindAsync(userId, id, ct) is not { } n) return false;
        if (!n.Unread) return true;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_reads (user_id, notification_id, read_at) VALUES ({userId}, {id}, {clock.GetUtcNow()})
            ON CONFLICT DO NOTHING
            """, ct);
        return true;
    }

    /// <summary>Everything stored until now is read: the watermark moves to the newest seq and the single marks below it go.</summary>
    public async Task MarkAllReadAsync(Guid userId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_settings (user_id, read_through, muted_kinds, email_live_now, email_cancellations, updated_at)
            VALUES ({userId}, (SELECT coalesce(max(seq), 0) FROM notifications), {Array.Empty<string>()}, false, false, {clock.GetUtcNow()})
            ON CONFLICT (user_id) DO UPDATE SET read_through = greatest(notification_settings.read_through, excluded.read_through),
                updated_at = excluded.updated_at
            """, ct);
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM notification_reads r USING notifications n, notification_settings s
             WHERE r.user_id = {userId} AND n.id = r.notification_id AND s.user_id = r.user_id AND n.seq <= s.read_through
            """, ct);
        await tx.CommitAsync(ct);
    }
}

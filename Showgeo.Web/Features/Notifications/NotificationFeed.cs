using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Live;
using FollowRow = Showgeo.Web.Features.Follow.Follow;

namespace Showgeo.Web.Features.Notifications;

/// <summary>What <see cref="NotificationFeed"/> needs to decide, per viewer, whether a pushed notice is theirs.</summary>
public sealed record NoticeDetail(string Kind, Guid? UserId, Guid? EntityId, Guid? EventId, bool ToFollowers, DateTimeOffset CreatedAt);

/// <summary>
/// The notifications part ("n") of the live stream. A signed-in tab subscribes to its own topic (direct notices) and
/// to the topics of the entities it follows or holds tickets/RSVPs with (broadcasts: one announcement reaches every
/// follower's tab). Each stored notice is rendered once per instance as a toast plus a badge refresh, from the same
/// partials as the inbox; whether a viewer gets it (muted kinds, entity levels, since when they follow) is decided per
/// connection by <see cref="Subscription.Accepts"/> from a snapshot taken at connect, so the push path never queries.
/// </summary>
public sealed class NotificationFeed(IServiceScopeFactory scopes, LiveHtml html) : ILiveFeed
{
    public const string FeedName = "n";
    public const string EventType = "notification";
    private const int LoadLimit = 200;

    private IServiceScopeFactory Scopes => scopes;

    public string Name => FeedName;
    public bool Batched => false;

    public async Task<ILiveSubscription?> SubscribeAsync(LiveViewer viewer, CancellationToken ct)
    {
        if (viewer.UserId is not { } userId) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
        var muted = await db.Set<NotificationSettings>().AsNoTracking().Where(s => s.UserId == userId)
            .Select(s => s.MutedKinds).SingleOrDefaultAsync(ct) ?? [];
        var follows = await (from f in db.Set<FollowRow>().AsNoTracking()
                             where f.UserId == userId
                             join s in db.Set<EntityNotificationSettings>() on new { f.UserId, f.EntityId } equals new { s.UserId, s.EntityId } into ss
                             from s in ss.DefaultIfEmpty()
                             select new { f.EntityId, f.CreatedAt, Level = s == null ? EntityNotificationLevel.All : s.Level })
            .ToDictionaryAsync(f => f.EntityId, f => (f.CreatedAt, f.Level), ct);
        var held = await db.Database.SqlQuery<HeldEvent>($"""
            SELECT e.id AS "EventId", e.entity_id AS "EntityId" FROM events e
             WHERE e.phase IN ('Pre', 'Live')
               AND e.id IN (SELECT t.event_id FROM tickets t WHERE t.user_id = {userId} UNION SELECT r.event_id FROM rsvps r WHERE r.user_id = {userId})
            """).ToListAsync(ct);
        var topics = new HashSet<string> { NotificationTopics.User(userId) };
        foreach (var entityId in follows.Where(f => f.Value.Level != EntityNotificationLevel.None).Select(f => f.Key).Concat(held.Select(h => h.EntityId)))
            topics.Add(NotificationTopics.Entity(entityId));
        return new Subscription(this, userId, topics, muted.ToHashSet(StringComparer.Ordinal), follows, held.Select(h => h.EventId).ToHashSet());
    }

    private sealed record HeldEvent(Guid EventId, Guid EntityId);

    public async Task<IReadOnlyList<LiveItem>> LoadAsync(string topic, long after, long upTo, CancellationToken ct)
    {
        var (column, id) = topic.Split(':') switch
        {
            ["user", var u] when Guid.TryParse(u, out var g) => ("user_id", g),
            ["entity", var e] when Guid.TryParse(e, out var g) => ("entity_id", g),
            _ => (null, Guid.Empty),
        };
        if (column is null) return [];
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
        // column is one of two names chosen above, never text from the topic.
        var sql = $"""
            SELECT id AS "Id", seq AS "Seq", kind AS "Kind", title AS "Title", body AS "Body", link AS "Link", created_at AS "CreatedAt",
                   user_id AS "UserId", entity_id AS "EntityId", event_id AS "EventId", to_followers AS "ToFollowers"
              FROM notifications WHERE {column} = @id AND seq > @after AND seq <= @upTo ORDER BY seq LIMIT {LoadLimit}
            """;
        var rows = await db.Database.SqlQueryRaw<Stored>(sql, new NpgsqlParameter("id", id), new NpgsqlParameter("after", after), new NpgsqlParameter("upTo", upTo)).ToListAsync(ct);
        var items = new List<LiveItem>(rows.Count);
        foreach (var r in rows)
            items.Add(await ItemAsync(topic, r.View, new NoticeDetail(r.Kind, r.UserId, r.EntityId, r.EventId, r.ToFollowers, r.CreatedAt)));
        return items;
    }

    private sealed record Stored(Guid Id, long Seq, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt,
        Guid? UserId, Guid? EntityId, Guid? EventId, bool ToFollowers)
    {
        public NotificationView View => new(Id, Seq, Kind, Title, Body, Link, CreatedAt, Unread: true);
    }

    private async Task<LiveItem> ItemAsync(string topic, NotificationView n, NoticeDetail? detail) =>
        new(topic, n.Seq, EventType, await html.RenderAsync("/Features/Notifications/_Toast.cshtml", n with { Unread = true })) { Detail = detail };

    private sealed class Subscription(NotificationFeed feed, Guid userId, IReadOnlyCollection<string> topics, HashSet<string> muted,
        Dictionary<Guid, (DateTimeOffset Since, EntityNotificationLevel Level)> follows, HashSet<Guid> held) : ILiveSubscription
    {
        public IReadOnlyCollection<string> Topics => topics;

        /// <summary>Exactly what the inbox would list after <paramref name="after"/> (the same query), oldest first.</summary>
        public async Task<IReadOnlyList<LiveItem>> ReplayAsync(long after, CancellationToken ct)
        {
            await using var scope = feed.Scopes.CreateAsyncScope();
            var notices = await scope.ServiceProvider.GetRequiredService<NotificationInbox>().AfterAsync(userId, after, ct);
            var items = new List<LiveItem>(notices.Count);
            foreach (var n in notices) items.Add(await feed.ItemAsync(NotificationTopics.User(userId), n, null));
            return items;
        }

        /// <summary>The in-memory twin of <see cref="NotificationAudience.VisibleIds"/> for one pushed notice.</summary>
        public bool Accepts(LiveItem item)
        {
            if (item.Detail is not NoticeDetail d || muted.Contains(d.Kind)) return false;
            if (d.UserId is not null) return d.UserId == userId;
            if (d.EntityId is { } entityId && d.ToFollowers && follows.TryGetValue(entityId, out var f) && f.Since <= d.CreatedAt
                && (f.Level == EntityNotificationLevel.All || (f.Level == EntityNotificationLevel.LiveOnly && d.Kind == NotificationKind.LiveNow)))
                return true;
            return d.EventId is { } eventId && held.Contains(eventId) && NotificationKind.ReachesEventHolders(d.Kind);
        }
    }
}

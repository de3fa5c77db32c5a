using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// One part of the live stream a tab holds open: notifications, an event's chat room. A feed stores what it pushes
/// first and announces it with <see cref="LiveAnnouncing.AnnounceLiveAsync"/>; the stream replays what a reconnecting
/// tab missed and pushes the rest as it is announced, on every instance.
/// </summary>
/// <remarks>
/// Cursors are per feed and must grow in commit order for everything one viewer can see in the feed (serialize the
/// writes: one advisory lock, or a per-topic sequence taken under a row lock). The stream drops anything at or below a
/// viewer's cursor, so an item committed out of order would be missed live (it stays stored, but open tabs would not get it).
/// </remarks>
public interface ILiveFeed
{
    /// <summary>Lower-case letters only: the feed's part of the cursor token the stream sends as the SSE id.</summary>
    string Name { get; }

    /// <summary>
    /// False: each announcement is pushed at once, in announcement order. True: announcements of one topic are coalesced
    /// and pushed at most once per batch interval (busy chat rooms cost connections × ticks, not × messages).
    /// </summary>
    bool Batched { get; }

    /// <summary>Once per connection. Null when the feed has nothing for this viewer.</summary>
    /// <exception cref="LiveRequestException">The stream URL's values for this feed are malformed (answered 400).</exception>
    Task<ILiveSubscription?> SubscribeAsync(LiveViewer viewer, CancellationToken ct);

    /// <summary>
    /// Once per instance per announcement (not per connection): this topic's stored items with
    /// <paramref name="after"/> &lt; cursor &lt;= <paramref name="upTo"/>, oldest first, rendered as HTML that is the
    /// same for every viewer.
    /// </summary>
    Task<IReadOnlyList<LiveItem>> LoadAsync(string topic, long after, long upTo, CancellationToken ct);
}

/// <summary>What one connection receives from one feed.</summary>
public interface ILiveSubscription
{
    /// <summary>The topics announced items must carry to reach this viewer, e.g. "user:{id}", "room:{eventId}".</summary>
    IReadOnlyCollection<string> Topics { get; }

    /// <summary>
    /// Stored items after the viewer's cursor, oldest first, already filtered for this viewer. The stream asks again
    /// from the last item returned until an empty answer, so a feed may return a bounded page.
    /// </summary>
    Task<IReadOnlyList<LiveItem>> ReplayAsync(long after, CancellationToken ct);

    /// <summary>Whether this viewer gets a live item (preferences, mutes). Called on the push path: keep it cheap.</summary>
    bool Accepts(LiveItem item);
}

/// <summary>
/// A stored thing, rendered. <see cref="EventType"/> is the SSE event name an element swaps with
/// <c>sse-swap</c>; the HTML may carry <c>hx-swap-oob</c> fragments for other targets (a badge, a toast).
/// </summary>
public sealed record LiveItem(string Topic, long Cursor, string EventType, string Html)
{
    /// <summary>The feed's own data for <see cref="ILiveSubscription.Accepts"/> (a kind, an entity id).</summary>
    public object? Detail { get; init; }

    /// <summary>
    /// May be left out of a push that carries more such items than a person can read (a chat message in a room
    /// posting faster than <see cref="LiveOptions.BusyItemsPerSecond"/>): the newest are pushed, the rest stay stored
    /// (a reload shows them) and still reach their <see cref="Author"/>'s own tabs.
    /// </summary>
    public bool Skippable { get; init; }

    /// <summary>The account whose action the item shows; its tabs always get it.</summary>
    public Guid? Author { get; init; }
}

/// <summary>Who opened the stream, and the stream URL's query values (for example <c>room</c>).</summary>
public sealed class LiveViewer(ClaimsPrincipal user, Guid? userId, IReadOnlyDictionary<string, string> query)
{
    public ClaimsPrincipal User { get; } = user;
    public Guid? UserId { get; } = userId;
    public bool IsAuthenticated => UserId is not null;
    public IReadOnlyDictionary<string, string> Query { get; } = query;

    public string? Value(string name) => Query.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A malformed stream request; the message is shown to the client with a 400.</summary>
public sealed class LiveRequestException(string message) : Exception(message);

public static class LiveAnnouncing
{
    public const string Channel = "showgeo_live";

    /// <summary>
    /// Tells every instance that <paramref name="topic"/> of <paramref name="feed"/> has a stored item at
    /// <paramref name="cursor"/>. Call it inside the transaction that stored the item: PostgreSQL delivers the
    /// notification on commit, and never for a rolled-back transaction.
    /// </summary>
    public static async Task AnnounceLiveAsync(this ShowgeoDb db, string feed, string topic, long cursor, CancellationToken ct)
    {
        var payload = LiveAnnouncement.Format(feed, topic, cursor);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", ct);
    }
}

/// <summary>The NOTIFY payload: <c>feed|topic|cursor</c>.</summary>
public readonly record struct LiveAnnouncement(string Feed, string Topic, long Cursor)
{
    public static string Format(string feed, string topic, long cursor) => Prefix(feed, topic) + cursor.ToString(CultureInfo.InvariantCulture);

    /// <summary>The payload up to its cursor, for SQL that appends a cursor it computes itself.</summary>
    public static string Prefix(string feed, string topic)
    {
        if (feed.Contains('|') || topic.Contains('|')) throw new ArgumentException("Feed and topic names cannot contain '|'.");
        return $"{feed}|{topic}|";
    }

    public static bool TryParse(string payload, out LiveAnnouncement announcement)
    {
        announcement = default;
        var first = payload.IndexOf('|');
        var last = payload.LastIndexOf('|');
        if (first <= 0 || last <= first + 1) return false;
        if (!long.TryParse(payload.AsSpan(last + 1), out var cursor)) return false;
        announcement = new LiveAnnouncement(payload[..first], payload[(first + 1)..last], cursor);
        return true;
    }
}

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// Items of one feed handed to every connection of a topic at once. The HTML each connection writes is joined once
/// here, not once per connection. <see cref="ForAuthors"/> are the items a busy push left out (see
/// <see cref="LiveItem.Skippable"/>): each still reaches the connections of the person who wrote it.
/// </summary>
public sealed class LivePush(string feed, IReadOnlyList<LiveItem> items, IReadOnlyList<LiveItem>? forAuthors = null)
{
    private IReadOnlyList<(string EventType, string Html)>? _events;

    /// <summary>Written to a connection that had nothing else to write for a heartbeat interval.</summary>
    public static readonly LivePush Heartbeat = new("", []);

    public string Feed { get; } = feed;
    public IReadOnlyList<LiveItem> Items { get; } = items;
    public IReadOnlyList<LiveItem> ForAuthors { get; } = forAuthors ?? [];
    /// <summary>The highest cursor in the push, left-out items included.</summary>
    public long LastCursor { get; } = Math.Max(items.Count > 0 ? items[^1].Cursor : long.MinValue,
        forAuthors is { Count: > 0 } f ? f[^1].Cursor : long.MinValue);

    /// <summary>Consecutive items of one event type joined into one SSE event, in order.</summary>
    public IReadOnlyList<(string EventType, string Html)> Events => _events ??= Join(Items);

    /// <summary>
    /// Splits a loaded range for a push: when it holds more than <paramref name="maxSkippable"/> skippable items, only
    /// the newest that many of them go to everyone and the rest only to their authors. Other items always go.
    /// </summary>
    public static LivePush Thin(string feed, IReadOnlyList<LiveItem> items, int maxSkippable)
    {
        var skippable = 0;
        foreach (var item in items) if (item.Skippable) skippable++;
        if (skippable <= maxSkippable) return new LivePush(feed, items);
        var leaveOut = skippable - maxSkippable;
        var shown = new List<LiveItem>(items.Count - leaveOut);
        var forAuthors = new List<LiveItem>(leaveOut);
        foreach (var item in items)
        {
            if (item.Skippable && leaveOut > 0) { forAuthors.Add(item); leaveOut--; }
            else shown.Add(item);
        }
        return new LivePush(feed, shown, forAuthors);
    }

    public static IReadOnlyList<(string EventType, string Html)> Join(IEnumerable<LiveItem> items)
    {
        var events = new List<(string, string)>();
        string? type = null;
        var html = new StringBuilder();
        foreach (var item in items)
        {
            if (type is not null && item.EventType != type)
            {
                events.Add((type, html.ToString()));
                html.Clear();
            }
            type = item.EventType;
            html.Append(item.Html);
        }
        if (type is not null) events.Add((type, html.ToString()));
        return events;
    }
}

/// <summary>
/// One open stream: its subscriptions, its cursor, and a bounded queue of pushes. A connection whose queue is full is
/// dropped rather than slowing the pushes to everyone else; its tab reconnects and replays what it missed.
/// </summary>
public sealed class LiveConnection
{
    private readonly Channel<LivePush> _queue;
    private readonly CancellationTokenSource _dropped = new();
    private readonly LiveCursor _cursor;
    private readonly Dictionary<string, ILiveSubscription> _byFeedName;
    private long _lastWrite;

    public LiveConnection(Guid? userId, IReadOnlyDictionary<ILiveFeed, ILiveSubscription> subscriptions, LiveCursor cursor, int capacity)
    {
        UserId = userId;
        Subscriptions = subscriptions;
        _byFeedName = subscriptions.ToDictionary(s => s.Key.Name, s => s.Value, StringComparer.Ordinal);
        _cursor = cursor;
        _queue = Channel.CreateBounded<LivePush>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false instead of discarding silently
        });
        _lastWrite = Environment.TickCount64;
    }

    public Guid? UserId { get; }
    public IReadOnlyDictionary<ILiveFeed, ILiveSubscription> Subscriptions { get; }
    public CancellationToken Dropped => _dropped.Token;
    public bool IsDropped => _dropped.IsCancellationRequested;

    /// <summary>Queues a push; drops the connection when it has fallen too far behind. Never blocks.</summary>
    public bool Offer(LivePush push)
    {
        if (_queue.Writer.TryWrite(push)) return true;
        Drop();
        return false;
    }

    /// <summary>
    /// Queues a heartbeat when nothing was written for <paramref name="interval"/>. The hub calls it for every
    /// connection on one timer, so a waiting connection holds no timer of its own.
    /// </summary>
    public void OfferHeartbeatIfIdle(TimeSpan interval)
    {
        if (Environment.TickCount64 - Volatile.Read(ref _lastWrite) >= (long)interval.TotalMilliseconds)
        {
            Volatile.Write(ref _lastWrite, Environment.TickCount64);
            Offer(LivePush.Heartbeat);
        }
    }

    public void Drop()
    {
        _queue.Writer.TryComplete();
        try { _dropped.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// What the stream writes: the replay, then pushes as they come, and heartbeats the hub queues for an idle stream.
    /// Items at or below the cursor are skipped, so replay and live overlap safely.
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> ReadAllAsync(
        List<(ILiveFeed Feed, IReadOnlyList<LiveItem> Items)> replay, TimeSpan retry,
        [EnumeratorCancellation] CancellationToken ct)
    {
        // Sent at once so the response starts and the client knows how soon to come back.
        yield return new SseItem<string>("", "ping") { ReconnectionInterval = retry };

        foreach (var (feed, items) in replay)
        {
            var fresh = Fresh(feed.Name, items, subscription: null, mine: null);
            if (fresh is not { Count: > 0 }) continue;
            foreach (var e in LivePush.Join(fresh)) yield return Item(e);
        }
        // Written: the stream lives for hours, and a reconnect's replay can be pages of HTML.
        replay.Clear();

        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(ct))
        {
            var wrote = false;
            while (reader.TryRead(out var push))
            {
                if (ReferenceEquals(push, LivePush.Heartbeat))
                {
                    if (wrote) continue;
                    wrote = true;
                    yield return new SseItem<string>("", "ping");
                    continue;
                }
                if (!_byFeedName.TryGetValue(push.Feed, out var subscription)) continue;
                var events = Events(push, subscription);
                if (events.Count == 0) continue;
                wrote = true;
                Volatile.Write(ref _lastWrite, Environment.TickCount64);
                foreach (var e in events) yield return Item(e);
            }
        }
    }

    /// <summary>What this connection writes for a push: the shared events when it takes every item (the usual case).</summary>
    private IReadOnlyList<(string EventType, string Html)> Events(LivePush push, ILiveSubscription subscription)
    {
        var seen = _cursor[push.Feed];
        var takesAll = seen is not { } s || push.Items.Count == 0 || push.Items[0].Cursor > s;
        if (takesAll)
            foreach (var item in push.Items)
                if (!subscription.Accepts(item)) { takesAll = false; break; }
        List<LiveItem>? mine = null;
        if (UserId is { } me)
            foreach (var item in push.ForAuthors)
                if (item.Author == me) (mine ??= []).Add(item);

        if (takesAll && mine is null)
        {
            if (push.LastCursor != long.MinValue) _cursor.Advance(push.Feed, push.LastCursor);
            return push.Events;
        }
        var fresh = Fresh(push.Feed, push.Items, subscription, mine);
        if (push.LastCursor != long.MinValue) _cursor.Advance(push.Feed, push.LastCursor);
        return fresh is { Count: > 0 } ? LivePush.Join(fresh) : [];
    }

    /// <summary>The items after the cursor this viewer takes, in cursor order, with <paramref name="mine"/> merged in.</summary>
    private List<LiveItem>? Fresh(string feed, IReadOnlyList<LiveItem> items, ILiveSubscription? subscription, List<LiveItem>? mine)
    {
        IEnumerable<LiveItem> all = mine is null ? items : items.Concat(mine).OrderBy(i => i.Cursor);
        List<LiveItem>? fresh = null;
        foreach (var item in all)
        {
            if (_cursor[feed] is { } seen && item.Cursor <= seen) continue;
            _cursor.Advance(feed, item.Cursor);
            if (subscription is null || subscription.Accepts(item)) (fresh ??= new List<LiveItem>(items.Count)).Add(item);
        }
        return fresh;
    }

    private SseItem<string> Item((string EventType, string Html) e) =>
        new(e.Html, e.EventType) { EventId = _cursor.ToString() };
}

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// Items of one feed handed to every connection of a topic at once. The HTML each connection writes is joined once
/// here, not once per connection.
/// </summary>
public sealed class LivePush(string feed, IReadOnlyList<LiveItem> items)
{
    private IReadOnlyList<(string EventType, string Html)>? _events;

    public string Feed { get; } = feed;
    public IReadOnlyList<LiveItem> Items { get; } = items;

    /// <summary>Consecutive items of one event type joined into one SSE event, in order.</summary>
    public IReadOnlyList<(string EventType, string Html)> Events => _events ??= Join(Items);

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

    public LiveConnection(Guid? userId, IReadOnlyDictionary<ILiveFeed, ILiveSubscription> subscriptions, LiveCursor cursor, int capacity)
    {
        UserId = userId;
        Subscriptions = subscriptions;
        _cursor = cursor;
        _queue = Channel.CreateBounded<LivePush>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false instead of discarding silently
        });
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

    public void Drop()
    {
        _queue.Writer.TryComplete();
        try { _dropped.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// What the stream writes: the replay, then pushes as they come, then a heartbeat whenever nothing was written
    /// for <paramref name="heartbeat"/>. Items at or below the cursor are skipped, so replay and live overlap safely.
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> ReadAllAsync(
        IEnumerable<(ILiveFeed Feed, IReadOnlyList<LiveItem> Items)> replay, TimeSpan heartbeat, TimeSpan retry,
        TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        // Sent at once so the response starts and the client knows how soon to come back.
        yield return new SseItem<string>("", "ping") { ReconnectionInterval = retry };

        foreach (var (feed, items) in replay)
        {
            var fresh = Fresh(feed.Name, items, subscription: null);
            if (fresh.Count == 0) continue;
            foreach (var e in LivePush.Join(fresh)) yield return Item(e);
        }

        var reader = _queue.Reader;
        while (true)
        {
            bool more;
            try
            {
                more = await reader.WaitToReadAsync(ct).AsTask().WaitAsync(heartbeat, clock, ct);
            }
            catch (TimeoutException)
            {
                more = true;
            }
            if (!more) yield break;
            if (!reader.TryRead(out var push))
            {
                yield return new SseItem<string>("", "ping");
                continue;
            }
            do
            {
                var subscription = Subscriptions.First(s => s.Key.Name == push.Feed).Value;
                var fresh = Fresh(push.Feed, push.Items, subscription);
                if (fresh.Count == 0) continue;
                var events = fresh.Count == push.Items.Count ? push.Events : LivePush.Join(fresh);
                foreach (var e in events) yield return Item(e);
            } while (reader.TryRead(out push));
        }
    }

    private List<LiveItem> Fresh(string feed, IReadOnlyList<LiveItem> items, ILiveSubscription? subscription)
    {
        var fresh = new List<LiveItem>(items.Count);
        foreach (var item in items)
        {
            if (_cursor[feed] is { } seen && item.Cursor <= seen) continue;
            _cursor.Advance(feed, item.Cursor);
            if (subscription is null || subscription.Accepts(item)) fresh.Add(item);
        }
        return fresh;
    }

    private SseItem<string> Item((string EventType, string Html) e) =>
        new(e.Html, e.EventType) { EventId = _cursor.ToString() };
}

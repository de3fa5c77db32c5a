using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// This instance's side of the live stream: it LISTENs for announcements from every instance, loads each announced
/// item once, and hands it to the local connections subscribed to its topic.
/// </summary>
public sealed class LiveHub(
    [FromKeyedServices(Data.DataSources.SessionKey)] NpgsqlDataSource data, IEnumerable<ILiveFeed> feeds, IOptions<LiveOptions> options, TimeProvider clock, ILogger<LiveHub> log)
    : BackgroundService
{
    private readonly Dictionary<string, ILiveFeed> _feeds = feeds.ToDictionary(f => f.Name, StringComparer.Ordinal);
    private readonly Dictionary<(string Feed, string Topic), Topic> _topics = new();
    private readonly HashSet<LiveConnection> _connections = [];
    private readonly Dictionary<Guid, Queue<LiveConnection>> _byUser = new();
    private readonly Lock _gate = new();
    private readonly Channel<LiveAnnouncement> _announcements =
        Channel.CreateUnbounded<LiveAnnouncement>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Topic, bool> _dirty = new();
    private volatile bool _listening;

    private LiveOptions Options => options.Value;

    public IReadOnlyCollection<ILiveFeed> Feeds => _feeds.Values;

    /// <summary>Open connections on this instance.</summary>
    public int ConnectionCount { get { lock (_gate) return _connections.Count; } }

    /// <summary>Whether announcements are being received; while not, new streams are refused (503) and retried.</summary>
    public bool Listening => _listening;

    public void Register(LiveConnection connection)
    {
        LiveConnection? oldest = null;
        lock (_gate)
        {
            _connections.Add(connection);
            if (connection.UserId is { } user)
            {
                if (!_byUser.TryGetValue(user, out var mine)) _byUser[user] = mine = new Queue<LiveConnection>();
                while (mine.Count > 0 && mine.Peek().IsDropped) mine.Dequeue();
                mine.Enqueue(connection);
                if (mine.Count > Options.StreamsPerUser) oldest = mine.Dequeue();
            }
            foreach (var (feed, subscription) in connection.Subscriptions)
            foreach (var name in subscription.Topics)
            {
                if (!_topics.TryGetValue((feed.Name, name), out var topic))
                    _topics[(feed.Name, name)] = topic = new Topic(feed, name);
                topic.Connections = [.. topic.Connections, connection];
            }
        }
        oldest?.Drop();
    }

    public void Unregister(LiveConnection connection)
    {
        lock (_gate)
        {
            if (!_connections.Remove(connection)) return;
            if (connection.UserId is { } user && _byUser.TryGetValue(user, out var mine))
            {
                var rest = mine.Where(c => c != connection && !c.IsDropped).ToArray();
                if (rest.Length == 0) _byUser.Remove(user);
                else _byUser[user] = new Queue<LiveConnection>(rest);
            }
            foreach (var (feed, subscription) in connection.Subscriptions)
            foreach (var name in subscription.Topics)
            {
                if (!_topics.TryGetValue((feed.Name, name), out var topic)) continue;
                topic.Connections = [.. topic.Connections.Where(c => c != connection)];
                if (topic.Connections.Length == 0)
                {
                    _topics.Remove((feed.Name, name));
                    _dirty.TryRemove(topic, out _);
                }
            }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stop) =>
        Task.WhenAll(ListenAsync(stop), ProcessAsync(stop), TickAsync(stop), HeartbeatAsync(stop));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        DropAll();
        await base.StopAsync(cancellationToken);
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await data.OpenConnectionAsync(stop);
                conn.Notification += (_, e) =>
                {
                    if (LiveAnnouncement.TryParse(e.Payload, out var a)) _announcements.Writer.TryWrite(a);
                };
                await using (var cmd = new NpgsqlCommand($"LISTEN {LiveAnnouncing.Channel}", conn))
                    await cmd.ExecuteNonQueryAsync(stop);
                _listening = true;
                while (!stop.IsCancellationRequested) await conn.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or System.IO.IOException)
            {
                log.LogWarning(ex, "Live stream listener lost its connection; dropping open streams so they replay on reconnect");
            }
            finally
            {
                // Announcements made while nobody listened are gone: every open tab reconnects and replays instead.
                _listening = false;
                DropAll();
            }
            try { await Task.Delay(TimeSpan.FromSeconds(Options.ListenRetrySeconds), clock, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task ProcessAsync(CancellationToken stop)
    {
        try
        {
            var reader = _announcements.Reader;
            LiveAnnouncement? next = null;
            while (true)
            {
                if (next is not { } a)
                {
                    if (!await reader.WaitToReadAsync(stop)) return;
                    if (!reader.TryRead(out a)) continue;
                }
                next = null;
                if (!_feeds.TryGetValue(a.Feed, out var feed)) continue;
                var first = a.Cursor;
                if (!feed.Batched)
                {
                    // A burst on one topic (announcements waiting back to back) is loaded and pushed as one range:
                    // the order is unchanged, and a reader that keeps up is not dropped for the queue it would need.
                    while (reader.TryRead(out var following))
                    {
                        if (following.Feed == a.Feed && following.Topic == a.Topic && following.Cursor > a.Cursor)
                            a = a with { Cursor = following.Cursor };
                        else { next = following; break; }
                    }
                }
                Topic? topic;
                lock (_gate) _topics.TryGetValue((a.Feed, a.Topic), out topic);
                if (topic is null) continue;
                if (feed.Batched)
                {
                    topic.Announce(a.Cursor);
                    _dirty[topic] = true;
                    continue;
                }
                // Immediate feeds are loaded one announcement at a time, so pushes keep commit order.
                var after = topic.Loaded ?? first - 1;
                if (a.Cursor <= after) continue;
                await LoadAndPushAsync(topic, after, a.Cursor, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Options.BatchMilliseconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var topic in _dirty.Keys)
                {
                    _dirty.TryRemove(topic, out _);
                    if (topic.TakeRange() is not var (after, upTo)) continue;
                    await LoadAndPushAsync(topic, after, upTo, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>One timer for every connection's heartbeat: a connection idle for the interval is queued a ping.</summary>
    private async Task HeartbeatAsync(CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(Options.HeartbeatSeconds);
        using var timer = new PeriodicTimer(interval / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                LiveConnection[] all;
                lock (_gate) all = [.. _connections];
                foreach (var c in all) c.OfferHeartbeatIfIdle(interval);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private async Task LoadAndPushAsync(Topic topic, long after, long upTo, CancellationToken stop)
    {
        // A feed may answer a long range a page at a time: ask again from the last item until the range is done.
        var from = after;
        while (from < upTo)
        {
            IReadOnlyList<LiveItem> items;
            try
            {
                items = await topic.Feed.LoadAsync(topic.Name, from, upTo, stop);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // Its viewers would miss this item: drop them, and they replay it from the database on reconnect.
                log.LogWarning(ex, "Could not load {Feed} items for {Topic}; dropping its streams", topic.Feed.Name, topic.Name);
                foreach (var c in topic.Connections) c.Drop();
                topic.Loaded = upTo;
                return;
            }
            if (items.Count == 0) break;
            var push = topic.Feed.Batched ? LivePush.Thin(topic.Feed.Name, items, Options.SkippablePerPush) : new LivePush(topic.Feed.Name, items);
            foreach (var connection in topic.Connections) connection.Offer(push);
            from = items[^1].Cursor;
        }
        topic.Loaded = upTo;
    }

    private void DropAll()
    {
        LiveConnection[] all;
        lock (_gate) all = [.. _connections];
        foreach (var c in all) c.Drop();
    }

    private sealed class Topic(ILiveFeed feed, string name)
    {
        private readonly Lock _gate = new();
        private long? _pendingFrom, _pendingTo;

        public ILiveFeed Feed { get; } = feed;
        public string Name { get; } = name;
        public volatile LiveConnection[] Connections = [];
        /// <summary>The last cursor loaded; null until the first announcement after the topic got a viewer.</summary>
        public long? Loaded;

        public void Announce(long cursor)
        {
            lock (_gate)
            {
                _pendingFrom = _pendingFrom is { } from ? Math.Min(from, cursor) : cursor;
                _pendingTo = _pendingTo is { } to ? Math.Max(to, cursor) : cursor;
            }
        }

        public (long After, long UpTo)? TakeRange()
        {
            lock (_gate)
            {
                if (_pendingTo is not { } upTo) return null;
                var after = Loaded ?? _pendingFrom!.Value - 1;
                _pendingFrom = _pendingTo = null;
                return upTo > after ? (after, upTo) : null;
            }
        }
    }
}

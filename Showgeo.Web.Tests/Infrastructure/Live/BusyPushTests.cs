using System.Net.ServerSentEvents;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Tests.Infrastructure.Live;

/// <summary>
/// A batch that holds more chat messages than a person can read is thinned once for everyone: the newest go to all
/// viewers, the rest only to the tabs of whoever wrote them; everything else always goes, and cursors never go back.
/// </summary>
public sealed class BusyPushTests
{
    private const string Feed = "c";
    private static readonly Guid Ana = Guid.NewGuid(), Ben = Guid.NewGuid();

    private static LiveItem Message(long cursor, Guid author) =>
        new("room:1", cursor, "chat", $"<p>{cursor}</p>") { Skippable = true, Author = author };

    private static LiveItem Removal(long cursor) => new("room:1", cursor, "chat", $"<del>{cursor}</del>");

    [Fact]
    public void A_batch_within_the_limit_is_pushed_whole()
    {
        var items = new[] { Message(1, Ana), Message(2, Ben), Removal(3) };
        var push = LivePush.Thin(Feed, items, maxSkippable: 2);
        Assert.Same(items, push.Items);
        Assert.Empty(push.ForAuthors);
        Assert.Equal(3, push.LastCursor);
    }

    [Fact]
    public void A_busy_batch_keeps_the_newest_messages_and_every_other_item_in_order()
    {
        var push = LivePush.Thin(Feed, [Message(1, Ana), Removal(2), Message(3, Ben), Message(4, Ana), Message(5, Ben)], maxSkippable: 2);
        Assert.Equal([2L, 4, 5], push.Items.Select(i => i.Cursor));
        Assert.Equal([1L, 3], push.ForAuthors.Select(i => i.Cursor));
        Assert.Equal(5, push.LastCursor);
    }

    [Fact]
    public async Task A_viewer_gets_the_shared_batch_and_an_author_also_gets_their_own_left_out_message()
    {
        var push = LivePush.Thin(Feed, [Message(1, Ana), Message(2, Ben), Message(3, Ben), Message(4, Ben)], maxSkippable: 2);

        var viewer = await WriteAsync(userId: Guid.NewGuid(), push);
        Assert.Equal(["<p>3</p><p>4</p>"], viewer.Select(e => e.Data));
        Assert.Equal("c4", viewer[^1].EventId);

        var ana = await WriteAsync(Ana, push);
        Assert.Equal(["<p>1</p><p>3</p><p>4</p>"], ana.Select(e => e.Data));
        Assert.Equal("c4", ana[^1].EventId);

        var ben = await WriteAsync(Ben, push);
        Assert.Equal(["<p>2</p><p>3</p><p>4</p>"], ben.Select(e => e.Data));
    }

    [Fact]
    public async Task Left_out_messages_still_move_the_cursor_so_a_later_push_is_not_held_back_or_repeated()
    {
        var first = LivePush.Thin(Feed, [Message(1, Ana), Message(2, Ana), Message(3, Ana)], maxSkippable: 1);
        var second = LivePush.Thin(Feed, [Message(4, Ben)], maxSkippable: 1);
        var events = await WriteAsync(Guid.NewGuid(), first, second);
        Assert.Equal(["<p>3</p>", "<p>4</p>"], events.Select(e => e.Data));
        Assert.Equal(["c3", "c4"], events.Select(e => e.EventId));
    }

    [Fact]
    public async Task A_heartbeat_is_written_as_a_ping_and_moves_no_cursor()
    {
        var events = await WriteAsync(Guid.NewGuid(), LivePush.Heartbeat);
        Assert.Equal(["ping"], events.Select(e => e.EventType));
        Assert.Null(events[0].EventId);
    }

    /// <summary>What one connection writes for the pushes (after its opening retry ping).</summary>
    private static async Task<List<SseItem<string>>> WriteAsync(Guid? userId, params LivePush[] pushes)
    {
        var feed = new OneFeed();
        Assert.True(LiveCursor.TryParse(null, out var cursor));
        var connection = new LiveConnection(userId, new Dictionary<ILiveFeed, ILiveSubscription> { [feed] = feed }, cursor, capacity: 16);
        foreach (var push in pushes) Assert.True(connection.Offer(push));
        connection.Drop(); // completes the queue once it is read
        var written = new List<SseItem<string>>();
        await foreach (var item in connection.ReadAllAsync([], TimeSpan.FromSeconds(2), CancellationToken.None))
            written.Add(item);
        return written.Skip(1).ToList();
    }

    private sealed class OneFeed : ILiveFeed, ILiveSubscription
    {
        public string Name => Feed;
        public bool Batched => true;
        public IReadOnlyCollection<string> Topics { get; } = ["room:1"];
        public Task<ILiveSubscription?> SubscribeAsync(LiveViewer viewer, CancellationToken ct) => Task.FromResult<ILiveSubscription?>(this);
        public Task<IReadOnlyList<LiveItem>> LoadAsync(string topic, long after, long upTo, CancellationToken ct) => Task.FromResult<IReadOnlyList<LiveItem>>([]);
        public Task<IReadOnlyList<LiveItem>> ReplayAsync(long after, CancellationToken ct) => Task.FromResult<IReadOnlyList<LiveItem>>([]);
        public bool Accepts(LiveItem item) => true;
    }
}

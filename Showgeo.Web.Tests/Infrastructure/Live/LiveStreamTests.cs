using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Tests.Infrastructure.Live;

public sealed class LiveStreamTests(ProbeLiveApp app) : IClassFixture<ProbeLiveApp>
{
    private static string Topic() => $"t{Guid.NewGuid():N}";

    [Fact]
    public async Task A_stored_item_is_pushed_and_a_reconnect_with_the_after_token_gets_exactly_what_it_missed()
    {
        var topic = Topic();
        using var client = app.CreateClient();
        var first = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={topic}&after=p0");
        var one = (await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>one</p>"))[0];
        var pushed = await first.NextAsync();
        Assert.Equal(("probe", "<p>one</p>", $"p{one}"), (pushed.EventType, pushed.Data, pushed.EventId));
        var token = first.LastEventId;
        await first.DisposeAsync();

        await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>two</p>");
        await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>three</p>");

        // The htmx extension recreates its EventSource from the sse-connect URL, which the page script keeps current.
        await using var again = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={topic}&after={token}");
        var missed = await again.DrainAsync(TimeSpan.FromMilliseconds(700));
        // A replay joins consecutive items of one event type into one event.
        Assert.Equal("<p>two</p><p>three</p>", string.Concat(missed.Select(m => m.Data)));
        await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>four</p>");
        Assert.Equal("<p>four</p>", (await again.NextAsync()).Data);
    }

    [Fact]
    public async Task A_native_reconnect_sends_Last_Event_ID_which_wins_over_an_older_after_in_the_url()
    {
        var topic = Topic();
        var cursors = await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>a</p>", "<p>b</p>", "<p>c</p>");
        using var client = app.CreateClient();
        await using var stream = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={topic}&after=p0", lastEventId: $"p{cursors[0]}");
        var replay = await stream.DrainAsync(TimeSpan.FromMilliseconds(700));
        Assert.Equal("<p>b</p><p>c</p>", string.Concat(replay.Select(m => m.Data)));
        Assert.Equal($"p{cursors[2]}", stream.LastEventId);
    }

    [Fact]
    public async Task Without_a_position_a_feed_starts_from_now_and_replays_nothing()
    {
        var topic = Topic();
        await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>old</p>");
        using var client = app.CreateClient();
        // The hub handles announcements in commit order: once a later one has arrived, the old one is behind it.
        var marker = Topic();
        await using (var witness = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={marker}"))
        {
            await ProbeLiveFeed.WriteAsync(app, "p", marker, "<p>marker</p>");
            await witness.NextAsync();
        }
        await using var stream = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={topic}");
        await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>new</p>");
        Assert.Equal("<p>new</p>", (await stream.NextAsync()).Data);
        Assert.Empty(await stream.DrainAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Items_on_other_topics_or_filtered_for_this_viewer_are_not_pushed_but_the_position_moves_past_them()
    {
        var mine = Topic();
        using var client = app.CreateClient();
        await using var stream = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={mine}&after=p0");
        await ProbeLiveFeed.WriteAsync(app, "p", Topic(), "<p>someone else's</p>");
        var muted = (await ProbeLiveFeed.WriteAsync(app, "p", mine, "<p>muted kind</p>"))[0];
        var shown = (await ProbeLiveFeed.WriteAsync(app, "p", mine, "<p>shown</p>"))[0];
        var next = await stream.NextAsync();
        Assert.Equal(("<p>shown</p>", $"p{shown}"), (next.Data, next.EventId));
        Assert.True(shown > muted);
    }

    [Fact]
    public async Task Two_feeds_share_one_stream_and_its_id_carries_both_positions()
    {
        var topic = Topic();
        using var client = app.CreateClient();
        await using var stream = await LiveStreamReader.OpenAsync(client.Http, $"/live?p={topic}&q={topic}&after=p0.q0");
        var p = (await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>p</p>"))[0];
        Assert.Equal($"p{p}.q0", (await stream.NextAsync()).EventId);
        var q = (await ProbeLiveFeed.WriteAsync(app, "q", topic, "<p>q</p>"))[0];
        Assert.Equal($"p{p}.q{q}", (await stream.NextAsync()).EventId);
    }

    [Fact]
    public async Task A_batched_feed_coalesces_a_burst_into_few_pushes_in_order_loading_each_range_once()
    {
        var topic = Topic();
        using var a = app.CreateClient();
        using var b = app.CreateClient();
        await using var one = await LiveStreamReader.OpenAsync(a.Http, $"/live?q={topic}&after=q0");
        await using var two = await LiveStreamReader.OpenAsync(b.Http, $"/live?q={topic}&after=q0");
        var feed = app.Services.GetServices<ILiveFeed>().OfType<ProbeLiveFeed>().Single(f => f.Name == "q");
        var loadsBefore = feed.Loads;

        var html = Enumerable.Range(1, 40).Select(i => $"<li>{i}</li>").ToArray();
        await Task.WhenAll(html.Chunk(4).Select(chunk => ProbeLiveFeed.WriteAsync(app, "q", topic, chunk)));

        foreach (var stream in new[] { one, two })
        {
            var events = new List<string>();
            while (events.Sum(e => e.Split("</li>").Length - 1) < 40) events.Add((await stream.NextAsync()).Data);
            Assert.True(events.Count < 20, $"40 messages in a burst should arrive in a few pushes, got {events.Count}");
            var order = string.Concat(events).Split("</li>", StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s.Replace("<li>", "")));
            Assert.True(Enumerable.Range(1, 40).SequenceEqual(order.Order()), string.Join(",", order));
            // Each transaction's items keep their order (the chunks themselves commit in any order).
            var positions = order.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
            foreach (var chunk in Enumerable.Range(1, 40).Chunk(4))
                Assert.True(chunk.Select(n => positions[n]).SequenceEqual(chunk.Select(n => positions[n]).Order()), string.Join(",", order));
        }
        // One load per flushed range for the instance, not one per connection.
        Assert.True(feed.Loads - loadsBefore < 20, $"loads: {feed.Loads - loadsBefore}");
    }

    [Fact]
    public async Task Malformed_positions_and_feed_values_are_refused_with_400_and_a_page_with_no_feed_gets_204()
    {
        using var client = app.CreateClient();
        foreach (var url in new[] { "/live?p=x&after=zz", "/live?p=x&after=p-1", "/live?p=x&after=P1", "/live?p=x&after=p1..q2",
                     $"/live?p=x&after={new string('p', 300)}1", "/live?p=!" })
        {
            using var response = await client.Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode}");
        }
        using var nothing = await client.Http.GetAsync("/live");
        Assert.Equal(HttpStatusCode.NoContent, nothing.StatusCode);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_and_never_delays_the_others()
    {
        var topic = Topic();
        var hub = app.Services.GetRequiredService<LiveHub>();
        using var slowClient = app.CreateClient();
        using var fastClient = app.CreateClient();
        // Never read: its socket buffers fill, its writes block, its queue of four fills.
        using var slowRequest = new HttpRequestMessage(HttpMethod.Get, $"/live?p={topic}&after=p0");
        using var slow = await slowClient.Http.SendAsync(slowRequest, HttpCompletionOption.ResponseHeadersRead);
        await using var fast = await LiveStreamReader.OpenAsync(fastClient.Http, $"/live?p={topic}&after=p0");
        var before = hub.ConnectionCount;

        var big = new string('x', 256 * 1024);
        for (var i = 0; i < 40; i++)
        {
            await ProbeLiveFeed.WriteAsync(app, "p", topic, $"<p>{i}</p><!--{big}-->");
            Assert.StartsWith($"<p>{i}</p>", (await fast.NextAsync(TimeSpan.FromSeconds(5))).Data);
        }
        await Eventually.TrueAsync(() => Task.FromResult(hub.ConnectionCount == before - 1), "the slow stream to be dropped");
    }

    [Fact]
    public async Task An_item_stored_once_reaches_browsers_connected_to_another_instance_on_the_same_database()
    {
        var second = new SecondProbeLiveApp(app.ConnectionString);
        await second.InitializeAsync();
        try
        {
        var topic = Topic();
        using var a = app.CreateClient();
        using var b = second.CreateClient();
        await using var onFirst = await LiveStreamReader.OpenAsync(a.Http, $"/live?p={topic}&after=p0");
        await using var onSecond = await LiveStreamReader.OpenAsync(b.Http, $"/live?p={topic}&after=p0");
        await ProbeLiveFeed.WriteAsync(app, "p", topic, "<p>everywhere</p>");
        Assert.Equal("<p>everywhere</p>", (await onFirst.NextAsync()).Data);
        Assert.Equal("<p>everywhere</p>", (await onSecond.NextAsync()).Data);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_idle_stream_gets_heartbeats_and_starts_with_a_retry_interval()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/live?p={Topic()}");
        using var response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (lines.Count(l => l == "event: ping") < 2) lines.Add((await reader.ReadLineAsync(wait.Token))!);
        Assert.Contains("retry: 2000", lines);
    }

    [Fact]
    public void The_page_helper_writes_one_stream_url_with_every_feed_position_and_value()
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        Assert.Null(LiveStream.Url(http));
        LiveStream.Track(http, "n", 41);
        LiveStream.Track(http, "c", 7, ("room", "abc"));
        LiveStream.Track(http, "n", 42);
        Assert.Equal("/live?room=abc&after=c7.n42", LiveStream.Url(http));
        Assert.Throws<ArgumentException>(() => LiveStream.Track(http, "N1", 1));
    }

    private sealed class SecondProbeLiveApp(string database) : ProbeLiveApp(database);
}

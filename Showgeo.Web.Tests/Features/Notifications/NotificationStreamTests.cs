using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Infrastructure.Live;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Notifications;

public class NotificationStreamApp : ShowgeoApp
{
    public NotificationStreamApp() { }
    protected NotificationStreamApp(string sharedDatabase) : base(sharedDatabase) { }

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        // Small enough that a stalled client is dropped within the burst below, big enough for a reading one.
        settings["Live:ConnectionQueue"] = "4";
        return Task.CompletedTask;
    }
}

/// <summary>
/// Notifications over the raw <c>text/event-stream</c>: pushed after the action that caused them, replayed exactly on a
/// reconnect made the way the htmx extension makes it, delivered across instances, filtered per viewer, and a client
/// that never reads is dropped without holding anyone up.
/// </summary>
public sealed class NotificationStreamTests(NotificationStreamApp app) : IClassFixture<NotificationStreamApp>
{
    private static readonly HtmlParser Html = new();

    /// <summary>The stream URL the layout writes for this signed-in page (sse-connect on #live).</summary>
    private static async Task<string> StreamUrlAsync(WebClient client)
    {
        var page = await client.GetAsync("/");
        var url = page.Document.QuerySelector("#live")?.GetAttribute("sse-connect");
        Assert.False(string.IsNullOrEmpty(url), "a signed-in page opens the live stream");
        Assert.Contains("after=n", url);
        return url!;
    }

    /// <summary>What site.js does on every event: the last id goes into the URL's <c>after</c>, which a recreated EventSource uses.</summary>
    private static string WithAfter(string url, string token)
    {
        var uri = new Uri(new Uri("http://x"), url);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query)
            .ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        query["after"] = token;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(uri.AbsolutePath, query);
    }

    private static List<(long Seq, string Text)> Toasts(string data) =>
        Html.ParseDocument("<body>" + data).QuerySelectorAll(".toast")
            .Select(t => (long.Parse(t.GetAttribute("data-seq")!), t.TextContent)).ToList();

    private async Task<long> DirectAsync(ShowgeoApp on, Guid userId, string title, string kind = NotificationKind.TicketPurchased) =>
        (await on.WithScopeAsync(sp => sp.GetRequiredService<NotificationWriter>().WriteAsync(
            new NewNotification(kind, $"stream-test:{Guid.NewGuid()}", title, "", null) { UserId = userId }, CancellationToken.None)))!.Value;

    [Fact]
    public async Task A_notice_arrives_after_going_live_and_a_reconnect_with_the_after_token_replays_exactly_the_two_missed()
    {
        var t = await app.EventWithTicketsAsync();
        var second = await app.EventAsync(t.Entity.Id, title: "Second Show");
        var third = await app.EventAsync(t.Entity.Id, title: "Third Show");
        var (client, fan) = await app.SignedInUserAsync(displayName: "Streamer");
        await app.FollowAsync(fan.Id, t.Entity.Id, DateTimeOffset.UtcNow.AddMinutes(-5));
        var url = await StreamUrlAsync(client);

        string token;
        await using (var stream = await LiveStreamReader.OpenAsync(client.Http, url))
        {
            Assert.Empty(await stream.DrainAsync(TimeSpan.FromMilliseconds(500)));
            await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Live, t.Manager);
            var pushed = await stream.NextAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(NotificationFeed.EventType, pushed.EventType);
            var toast = Assert.Single(Toasts(pushed.Data));
            Assert.Contains("is live now", toast.Text);
            // No badge that fetches a count rides along: the page script counts pushed toasts (see the browser test),
            // so a going-live to thousands of open tabs is not followed by as many requests.
            Assert.Null(Html.ParseDocument("<body>" + pushed.Data).QuerySelector("#unread-badge, [hx-get]"));
            token = stream.LastEventId!;
            Assert.Equal($"n{toast.Seq}", token);
        }

        await app.MoveAsync(second, EventPhase.Pre, EventPhase.Live, t.Manager);
        await app.MoveAsync(third, EventPhase.Pre, EventPhase.Live, t.Manager);
        var s2 = await app.StoredAsync($"phase:{second.Id}:Live");
        var s3 = await app.StoredAsync($"phase:{third.Id}:Live");

        // The htmx extension recreates its EventSource from sse-connect, without Last-Event-ID.
        await using var again = await LiveStreamReader.OpenAsync(client.Http, WithAfter(url, token));
        var replayed = (await again.DrainAsync(TimeSpan.FromSeconds(2))).SelectMany(e => Toasts(e.Data)).ToList();
        // The two phase changes are handled by the outbox in any order: the replay follows the stored order.
        var stored = new[] { (s2.Seq, "Second Show"), (s3.Seq, "Third Show") }.OrderBy(x => x.Item1).ToList();
        Assert.Equal(stored.Select(x => x.Item1), replayed.Select(r => r.Seq));
        Assert.Contains(stored[0].Item2, replayed[0].Text);
        Assert.Contains(stored[1].Item2, replayed[1].Text);
        Assert.Equal($"n{stored[1].Item1}", again.LastEventId);
    }

    [Fact]
    public async Task Muted_kinds_and_other_peoples_notices_are_not_pushed()
    {
        var t = await app.EventWithTicketsAsync();
        var (client, fan) = await app.SignedInUserAsync();
        var other = await app.UserAsync();
        await app.FollowAsync(fan.Id, t.Entity.Id, DateTimeOffset.UtcNow.AddMinutes(-5));
        await app.MuteAsync(fan.Id, NotificationKind.LiveNow);
        await using var stream = await LiveStreamReader.OpenAsync(client.Http, await StreamUrlAsync(client));

        await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Live, t.Manager);
        await app.StoredAsync($"phase:{t.Event.Id}:Live");
        await DirectAsync(app, other.Id, "Not yours");
        var mine = await DirectAsync(app, fan.Id, "Yours");

        var pushed = await stream.NextAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([(mine, "Yours")], Toasts(pushed.Data).Select(x => (x.Seq, x.Text.Trim().Split('\n')[0].Trim())));
        Assert.Empty(await stream.DrainAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_notice_stored_on_one_instance_reaches_a_browser_connected_to_another()
    {
        var second = new SecondInstance(app.ConnectionString);
        await second.InitializeAsync();
        try
        {
            var fan = await app.UserAsync();
            using var onSecond = await second.SignedInAsync(fan);
            await using var stream = await LiveStreamReader.OpenAsync(onSecond.Http, await StreamUrlAsync(onSecond));

            var seq = await DirectAsync(app, fan.Id, "Across instances");

            var pushed = await stream.NextAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(seq, Assert.Single(Toasts(pushed.Data)).Seq);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_that_never_reads_is_dropped_and_never_delays_the_others()
    {
        var t = await app.EventWithTicketsAsync();
        var (slowClient, slowFan) = await app.SignedInUserAsync();
        var (fastClient, fastFan) = await app.SignedInUserAsync();
        foreach (var u in new[] { slowFan, fastFan }) await app.FollowAsync(u.Id, t.Entity.Id, DateTimeOffset.UtcNow.AddMinutes(-5));
        var hub = app.Services.GetRequiredService<LiveHub>();

        // Never read: its socket buffers fill, its writes block, its queue fills.
        using var slowRequest = new HttpRequestMessage(HttpMethod.Get, await StreamUrlAsync(slowClient));
        using var slow = await slowClient.Http.SendAsync(slowRequest, HttpCompletionOption.ResponseHeadersRead);
        await using var fast = await LiveStreamReader.OpenAsync(fastClient.Http, await StreamUrlAsync(fastClient));
        var before = hub.ConnectionCount;

        // Rounds of big broadcasts, stored and announced the way NotificationWriter does it. A burst on one topic is
        // pushed as one range, so each round is one push: the reader gets every round before the next is written, and
        // the client that never reads falls further behind each round until its queue of four is full.
        const int rounds = 60, perRound = 200, burst = rounds * perRound;
        var received = 0;
        var started = DateTime.UtcNow;
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            for (var round = 0; round < rounds; round++)
            {
                await using var cmd = new NpgsqlCommand("""
                    WITH stored AS (
                        INSERT INTO notifications (id, seq, kind, source_key, entity_id, to_followers, title, body, created_at)
                        SELECT gen_random_uuid(), nextval('notification_seq'), 'NEW_EVENT', 'burst:' || @entity || ':' || @round || ':' || i, @entity, true,
                               'Burst ' || i, repeat('x', 990), now()
                        FROM generate_series(1, @n) AS i
                        RETURNING seq)
                    SELECT count(pg_notify('showgeo_live', 'n|entity:' || @entity || '|' || seq)) FROM (SELECT seq FROM stored ORDER BY seq) s
                    """, conn) { CommandTimeout = 120 };
                cmd.Parameters.AddWithValue("entity", t.Entity.Id);
                cmd.Parameters.AddWithValue("round", round);
                cmd.Parameters.AddWithValue("n", perRound);
                await using (var tx = await conn.BeginTransactionAsync())
                {
                    cmd.Transaction = tx;
                    await cmd.ExecuteScalarAsync();
                    await tx.CommitAsync();
                }
                while (received < (round + 1) * perRound)
                    received += Toasts((await fast.NextAsync(TimeSpan.FromSeconds(30))).Data).Count;
            }
        }

        Assert.Equal(burst, received);
        await Eventually.TrueAsync(() => Task.FromResult(hub.ConnectionCount == before - 1), "the slow stream to be dropped");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "the reader kept up");
    }

    private sealed class SecondInstance(string database) : NotificationStreamApp(database);
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Infrastructure;

using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Streaming;

public sealed class StreamManagePageTests(StreamApp app) : IClassFixture<StreamApp>
{
    private async Task<(WebClient Manager, Entity Entity, Event Event, string Url)> LiveEventAsync(EntityRole role = EntityRole.Coordinator)
    {
        var (manager, user) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(user.Id, role)]);
        var ev = await app.EventAsync(entity.Id, isFree: true, phase: EventPhase.Live);
        return (manager, entity, ev, $"/manage/{entity.Slug}/events/{ev.Id}/stream");
    }

    [Fact]
    public async Task Stream_page_lists_participants_and_a_coordinator_removes_one_without_javascript()
    {
        var (manager, _, ev, url) = await LiveEventAsync();
        var room = StreamRooms.RoomName(ev);
        app.LiveKit.AddParticipant(room, "fan-1", "Fan One", "{\"role\":\"viewer\"}");
        app.LiveKit.AddParticipant(room, "fan-2", "Fan Two", "{\"role\":\"viewer\"}");
        var page = await manager.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(["fan-1", "fan-2"], page.Document.QuerySelectorAll("[data-identity]").Select(li => li.GetAttribute("data-identity")!).Order().ToArray());
        var after = await manager.SubmitAsync(page.Document, "[data-identity=fan-1] form");
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Contains("Removed from the stream.", after.Text);
        Assert.Equal("fan-1", app.LiveKit.CallsTo("RemoveParticipant").Last().Body["identity"]!.ToString());
        Assert.Equal(["fan-2"], after.Document.QuerySelectorAll("[data-identity]").Select(li => li.GetAttribute("data-identity")!).ToArray());
    }

    [Fact]
    public async Task Stream_page_is_404_for_another_entitys_event_and_for_strangers()
    {
        var (manager, _, _, _) = await LiveEventAsync(EntityRole.Manager);
        var other = await app.EntityAsync();
        var foreign = await app.EventAsync(other.Id, phase: EventPhase.Live);
        var mine = await app.EntityAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/manage/{other.Slug}/events/{foreign.Id}/stream")).Status);
        var (_, ownEntity, _, ownUrl) = await LiveEventAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(ownUrl)).Status);
        Assert.NotNull(mine);
        Assert.NotNull(ownEntity);
    }

    [Fact]
    public async Task Stream_recording_starts_and_stops_and_egress_ended_registers_the_replay()
    {
        var (manager, _, ev, url) = await LiveEventAsync();
        var room = StreamRooms.RoomName(ev);
        var page = await manager.GetAsync(url);
        var started = await manager.SubmitAsync(page.Document, "form[action*='handler=StartRecording']");
        Assert.Contains("Recording started.", started.Text);
        var start = app.LiveKit.CallsTo("StartRoomCompositeEgress").Single(c => c.Body["roomName"]!.ToString() == room);
        Assert.Equal("showgeo-recordings", start.Body["fileOutputs"]![0]!["s3"]!["bucket"]!.ToString());
        await using var db = app.CreateDb();
        var egressId = await db.Set<EventStream>().Where(s => s.EventId == ev.Id).Select(s => s.RecordingEgressId).SingleAsync();
        Assert.NotNull(egressId);
        Assert.Null(started.Document.QuerySelector("form[action*='handler=StartRecording']"));

        var stopped = await manager.SubmitAsync(started.Document, "form[action*='handler=StopRecording']");
        Assert.Contains("Recording stopped.", stopped.Text);
        Assert.Equal(egressId, app.LiveKit.CallsTo("StopEgress").Last().Body["egressId"]!.ToString());

        var ended = await app.PostWebhookAsync(LiveKitEvents.EgressEnded(room, egressId!, $"recordings/{room}-1.mp4", 3725));
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var replay = await db.ReplayFor(ev.Id);
        Assert.Equal($"{StreamApp.ReplayBase}/recordings/{room}-1.mp4", replay!.Url);
        Assert.Equal(TimeSpan.FromSeconds(3725), replay.Duration);
        var shown = await manager.GetAsync(url);
        Assert.Contains(replay.Url, shown.Document.QuerySelector("[data-testid=stream-replay]")!.TextContent);
    }

    [Fact]
    public async Task Stream_recording_is_refused_before_the_event_is_live()
    {
        var (manager, user) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(user.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true);
        var page = await manager.GetAsync($"/manage/{entity.Slug}/events/{ev.Id}/stream");
        Assert.Contains(StreamRecordings.NotLive, page.Text);
        using var forced = await manager.PostAsync($"/manage/{entity.Slug}/events/{ev.Id}/stream?handler=StartRecording", page.Document);
        var after = await manager.FollowAsync(forced);
        Assert.Contains(StreamRecordings.NotLive, after.Text);
        await using var db = app.CreateDb();
        Assert.False(await db.Set<EventStream>().AnyAsync(s => s.EventId == ev.Id && s.RecordingEgressId != null));
    }

    [Fact]
    public async Task Stream_analytics_from_webhooks_show_numbers_and_an_accessible_svg_chart()
    {
        var (manager, _, ev, url) = await LiveEventAsync();
        var room = StreamRooms.RoomName(ev);
        var t = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(-4);
        // Three viewers (one reconnects), a host and an egress recorder that are not counted.
        foreach (var body in new[]
        {
            LiveKitEvents.Room("room_started", room, t),
            LiveKitEvents.Participant("participant_joined", room, "host", "PA_h", t, "{\"role\":\"host\"}"),
            LiveKitEvents.Participant("participant_joined", room, "EG_rec", "PA_e", t, "", "EGRESS"),
            LiveKitEvents.Participant("participant_joined", room, "a", "PA_a1", t),
            LiveKitEvents.Participant("participant_joined", room, "b", "PA_b", t.AddMinutes(2)),
            LiveKitEvents.Participant("participant_left", room, "a", "PA_a1", t.AddMinutes(3)),
            LiveKitEvents.Participant("participant_joined", room, "a", "PA_a2", t.AddMinutes(3)),
            LiveKitEvents.Participant("participant_joined", room, "c", "PA_c", t.AddMinutes(4)),
            LiveKitEvents.Participant("participant_left", room, "b", "PA_b", t.AddMinutes(6)),
            LiveKitEvents.Room("room_finished", room, t.AddMinutes(10)),
        })
            Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
        var page = await manager.GetAsync(url);
        Assert.Equal("3", page.Document.QuerySelector("[data-testid=unique-viewers]")!.TextContent);
        Assert.Equal("3", page.Document.QuerySelector("[data-testid=peak-viewers]")!.TextContent);
        // a: 3 + 7, b: 4, c: 6 minutes.
        Assert.Equal("20 min", page.Document.QuerySelector("[data-testid=watch-minutes]")!.TextContent);
        var svg = page.Document.QuerySelector("#stream-viewers svg")!;
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Contains("at most 3 viewers", svg.QuerySelector("desc")!.TextContent);
        Assert.Equal(10, svg.QuerySelector("polyline")!.GetAttribute("points")!.Split(' ').Length);
        var perMinute = page.Document.QuerySelectorAll(".stream-minutes tbody tr").Select(r => r.Children[1].TextContent).ToArray();
        Assert.Equal(["1", "1", "2", "2", "3", "3", "2", "2", "2", "2"], perMinute);
        Assert.Null(page.Document.QuerySelector("script[src*=livekit]"));
    }
}

public sealed class StreamAnalyticsTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Stream_analytics_count_unique_peak_minutes_and_buckets()
    {
        var stats = StreamAnalytics.Compute([
            ("a", T, T.AddMinutes(30)),
            ("b", T.AddMinutes(10), T.AddMinutes(20)),
            ("a", T.AddMinutes(30), T.AddMinutes(40)), // a reconnect at the same second is not two viewers
            ("c", T.AddSeconds(90), T.AddSeconds(150)),
        ]);
        Assert.Equal(3, stats.UniqueViewers);
        Assert.Equal(2, stats.PeakConcurrent);
        Assert.Equal(30 + 10 + 10 + 1, stats.TotalWatchMinutes);
        Assert.Equal(1, stats.BucketMinutes);
        Assert.Equal(40, stats.PerMinute.Count);
        Assert.Equal(2, stats.PerMinute[1].Viewers);
        Assert.Equal(2, stats.PerMinute[2].Viewers);
        Assert.Equal(1, stats.PerMinute[3].Viewers);
        Assert.Equal(2, stats.PerMinute[15].Viewers);
        Assert.Equal(1, stats.PerMinute[39].Viewers);
    }

    [Fact]
    public void Stream_analytics_widen_buckets_for_long_shows_and_render_nothing_without_viewers()
    {
        var stats = StreamAnalytics.Compute([("a", T, T.AddHours(10))]);
        Assert.Equal(5, stats.BucketMinutes);
        Assert.Equal(120, stats.PerMinute.Count);
        Assert.Equal(600, stats.TotalWatchMinutes);
        var empty = StreamAnalytics.Compute([]);
        Assert.False(empty.HasData);
        Assert.Equal("", new StreamViewerChart(empty, "UTC").Points);
    }
}

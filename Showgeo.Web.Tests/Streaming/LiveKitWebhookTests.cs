using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Streaming;

public sealed class LiveKitWebhookTests(StreamApp app) : IClassFixture<StreamApp>
{
    private async Task<(Guid EventId, string Room)> EventAsync()
    {
        var entity = await app.EntityAsync();
        var ev = await app.EventAsync(entity.Id, phase: Web.Features.Events.EventPhase.Live);
        return (ev.Id, StreamRooms.RoomName(ev.Id));
    }

    private async Task<(int Events, int Sessions)> CountsAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        return (await db.Set<LiveKitWebhookEvent>().CountAsync(e => e.EventId == eventId),
            await db.Set<StreamViewerSession>().CountAsync(s => s.EventId == eventId));
    }

    [Fact]
    public async Task LiveKit_webhook_signed_correctly_is_recorded_once_and_a_replay_is_a_no_op()
    {
        var (eventId, room) = await EventAsync();
        var body = LiveKitEvents.Participant("participant_joined", room, "user-a", "PA_a", DateTimeOffset.UtcNow, id: "EV_once_" + eventId);
        var first = await app.PostWebhookAsync(body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("recorded", await first.Content.ReadAsStringAsync());
        var again = await app.PostWebhookAsync(body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync());
        Assert.Equal((1, 1), await CountsAsync(eventId));
        await using var db = app.CreateDb();
        var session = await db.Set<StreamViewerSession>().SingleAsync(s => s.EventId == eventId);
        Assert.Equal(("user-a", "PA_a", StreamParticipantRole.Viewer, (DateTimeOffset?)null), (session.Identity, session.ParticipantSid, session.Role, session.LeftAt));
    }

    public static TheoryData<string, HttpStatusCode> Refusals => new()
    {
        { "bad-signature", HttpStatusCode.Unauthorized },
        { "wrong-body-hash", HttpStatusCode.Unauthorized },
        { "expired", HttpStatusCode.Unauthorized },
        { "bearer-prefix", HttpStatusCode.Unauthorized },
        { "no-authorization", HttpStatusCode.Unauthorized },
        { "other-issuer", HttpStatusCode.Unauthorized },
        { "not-json", HttpStatusCode.BadRequest },
        { "json-array", HttpStatusCode.BadRequest },
        { "no-id", HttpStatusCode.BadRequest },
        { "unknown-room", HttpStatusCode.OK },
        { "foreign-room", HttpStatusCode.OK },
        { "track-event", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task LiveKit_webhook_refusals_answer_the_right_status_and_write_nothing(string kind, HttpStatusCode expected)
    {
        var (eventId, room) = await EventAsync();
        var body = LiveKitEvents.Participant("participant_joined", room, "user-b", "PA_b", DateTimeOffset.UtcNow);
        string? auth = null;
        switch (kind)
        {
            case "bad-signature": auth = FakeLiveKit.Webhook(body, secret: "not-our-secret"); break;
            case "wrong-body-hash": auth = FakeLiveKit.Webhook(body + " "); break;
            case "expired": auth = FakeLiveKit.Webhook(body, validFor: TimeSpan.FromMinutes(-2)); break;
            case "bearer-prefix": auth = "Bearer " + FakeLiveKit.Webhook(body); break;
            case "no-authorization": auth = ""; break;
            case "other-issuer": auth = FakeLiveKit.Webhook(body, issuer: "APIother"); break;
            case "not-json": body = "event=participant_joined"; break;
            case "json-array": body = "[1,2]"; break;
            case "no-id": body = body.Replace("\"id\":", "\"idx\":"); break;
            case "unknown-room": body = LiveKitEvents.Participant("participant_joined", StreamRooms.RoomName(Guid.NewGuid()), "u", "PA_c", DateTimeOffset.UtcNow); break;
            case "foreign-room": body = LiveKitEvents.Participant("participant_joined", "someone-elses-room", "u", "PA_d", DateTimeOffset.UtcNow); break;
            case "track-event": body = body.Replace("participant_joined", "track_published"); break;
        }
        var response = await app.PostWebhookAsync(body, auth);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal((0, 0), await CountsAsync(eventId));
        await using var db = app.CreateDb();
        Assert.False(await db.Set<LiveKitWebhookEvent>().AnyAsync(e => e.ExternalId.Contains("PA_c") || e.ParticipantIdentity == "u"));
    }

    [Fact]
    public async Task LiveKit_webhook_room_and_participant_lifecycle_closes_sessions_and_classifies_hosts_and_egress()
    {
        var (eventId, room) = await EventAsync();
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        foreach (var body in new[]
        {
            LiveKitEvents.Room("room_started", room, t),
            LiveKitEvents.Participant("participant_joined", room, "host-1", "PA_h", t, "{\"role\":\"host\"}"),
            LiveKitEvents.Participant("participant_joined", room, "EG_1", "PA_e", t, "", "EGRESS"),
            LiveKitEvents.Participant("participant_joined", room, "v-1", "PA_v1", t.AddMinutes(1)),
            LiveKitEvents.Participant("participant_joined", room, "v-2", "PA_v2", t.AddMinutes(2)),
            LiveKitEvents.Participant("participant_left", room, "v-1", "PA_v1", t.AddMinutes(5)),
            LiveKitEvents.Participant("participant_connection_aborted", room, "v-2", "PA_v2", t.AddMinutes(4)),
            LiveKitEvents.Room("room_finished", room, t.AddMinutes(10)),
        })
            Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
        await using var db = app.CreateDb();
        var sessions = await db.Set<StreamViewerSession>().Where(s => s.EventId == eventId).ToDictionaryAsync(s => s.Identity);
        Assert.Equal(StreamParticipantRole.Host, sessions["host-1"].Role);
        Assert.Equal(StreamParticipantRole.Egress, sessions["EG_1"].Role);
        Assert.Equal(t.AddMinutes(5).ToUnixTimeSeconds(), sessions["v-1"].LeftAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(t.AddMinutes(4).ToUnixTimeSeconds(), sessions["v-2"].LeftAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(t.AddMinutes(10).ToUnixTimeSeconds(), sessions["host-1"].LeftAt!.Value.ToUnixTimeSeconds());
        var stream = await db.Set<EventStream>().SingleAsync(s => s.EventId == eventId);
        Assert.Equal(t.ToUnixTimeSeconds(), stream.RoomStartedAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(t.AddMinutes(10).ToUnixTimeSeconds(), stream.RoomFinishedAt!.Value.ToUnixTimeSeconds());

        var stats = await app.WithScopeAsync(sp => sp.GetRequiredService<StreamAnalytics>().ForEventAsync(eventId, default));
        Assert.Equal(2, stats.UniqueViewers);
        Assert.Equal(2, stats.PeakConcurrent);
        Assert.Equal(4 + 2, stats.TotalWatchMinutes);
    }
}

using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Streaming;

namespace Showgeo.Web.Tests.Streaming;

/// <summary>The Twirp clients as the app builds them, against <see cref="FakeLiveKit"/> on loopback.</summary>
public sealed class LiveKitTwirpClientTests : IAsyncLifetime
{
    private FakeLiveKit _lk = null!;
    private readonly HttpClient _http = new();
    private IOptions<LiveKitOptions> _options = null!;
    private LiveKitTokens _tokens = null!;

    public async Task InitializeAsync()
    {
        _lk = await FakeLiveKit.StartAsync();
        _options = Options.Create(new LiveKitOptions
        {
            Url = _lk.WsUrl, ApiKey = FakeLiveKit.ApiKey, ApiSecret = FakeLiveKit.ApiSecret, TimeoutSeconds = 1, IngressEnabled = true,
            Egress = { Enabled = true, S3Bucket = "recs", S3Region = "eu-west-1", S3AccessKey = "AK", S3Secret = "SK" },
        });
        _tokens = new LiveKitTokens(_options, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _lk.DisposeAsync();
    }

    private LiveKitRoomService Rooms => new(_http, _tokens, _options);

    [Fact]
    public async Task LiveKit_room_calls_use_the_Twirp_paths_bearer_grants_and_camelCase_bodies()
    {
        await Rooms.CreateRoomAsync("event-1", TimeSpan.FromMinutes(10));
        var create = Assert.Single(_lk.CallsTo("CreateRoom"));
        Assert.Equal("/twirp/livekit.RoomService/CreateRoom", create.Path);
        Assert.StartsWith("Bearer ", create.Authorization);
        Assert.True(create.SignatureValid);
        Assert.Equal("{\"roomCreate\":true}", create.Grant!.ToJsonString());
        Assert.Equal("event-1", create.Body["name"]!.ToString());
        Assert.Equal(600, create.Body["emptyTimeout"]!.GetValue<int>());

        _lk.AddParticipant("event-1", "u-1", "Alice", "{\"role\":\"viewer\"}");
        _lk.AddParticipant("event-1", "EG_x", "", kind: "EGRESS");
        var list = await Rooms.ListParticipantsAsync("event-1");
        Assert.Equal(new[] { "EG_x", "u-1" }, list.Select(p => p.Identity).Order(StringComparer.Ordinal).ToArray());
        var alice = list.Single(p => p.Identity == "u-1");
        Assert.Equal("Alice", alice.Name);
        Assert.Equal("ACTIVE", alice.State);
        Assert.NotNull(alice.JoinedAt); // int64 written as a string, snake_case name
        Assert.True(alice.Permission!.CanSubscribe);
        Assert.False(alice.Permission.CanPublish);
        var listCall = Assert.Single(_lk.CallsTo("ListParticipants"));
        Assert.Equal("{\"roomAdmin\":true,\"room\":\"event-1\"}", listCall.Grant!.ToJsonString());

        var updated = await Rooms.UpdateParticipantAsync("event-1", "u-1", permission: new LiveKitPermission(true, true, true));
        Assert.True(updated.Permission!.CanPublish);
        var update = Assert.Single(_lk.CallsTo("UpdateParticipant"));
        Assert.True(update.Body["permission"]!["canPublish"]!.GetValue<bool>());
        Assert.Null(update.Body["metadata"]);

        await Rooms.MutePublishedTrackAsync("event-1", "u-1", "TR_1", true);
        Assert.Equal("TR_1", Assert.Single(_lk.CallsTo("MutePublishedTrack")).Body["trackSid"]!.ToString());

        await Rooms.RemoveParticipantAsync("event-1", "u-1");
        Assert.Equal("u-1", Assert.Single(_lk.CallsTo("RemoveParticipant")).Body["identity"]!.ToString());
        await Rooms.DeleteRoomAsync("event-1");
        Assert.Equal("{\"roomCreate\":true}", Assert.Single(_lk.CallsTo("DeleteRoom")).Grant!.ToJsonString());
        Assert.False(_lk.Rooms.ContainsKey("event-1"));
    }

    [Fact]
    public async Task LiveKit_Twirp_error_becomes_a_clear_LiveKitException()
    {
        _lk.FailNext("RoomService/CreateRoom", "permission_denied", "no permissions to access the room", 403);
        var ex = await Assert.ThrowsAsync<LiveKitException>(() => Rooms.CreateRoomAsync("event-2", TimeSpan.FromMinutes(1)));
        Assert.Equal("permission_denied", ex.Code);
        Assert.Equal("LiveKit RoomService.CreateRoom failed (permission_denied): no permissions to access the room", ex.Message);

        var missing = await Assert.ThrowsAsync<LiveKitException>(() => Rooms.RemoveParticipantAsync("event-none", "x"));
        Assert.Equal("not_found", missing.Code);
    }

    [Fact]
    public async Task LiveKit_call_that_does_not_answer_in_time_is_a_timeout_with_a_clear_message()
    {
        _lk.Delay = TimeSpan.FromSeconds(10);
        var ex = await Assert.ThrowsAsync<LiveKitException>(() => Rooms.ListParticipantsAsync("event-3"));
        Assert.Equal("timeout", ex.Code);
        Assert.Equal("LiveKit RoomService.ListParticipants did not answer within 1 s.", ex.Message);
    }

    [Fact]
    public async Task LiveKit_unreachable_server_is_unavailable_not_a_crash()
    {
        var options = Options.Create(new LiveKitOptions { Url = "http://127.0.0.1:1", ApiKey = "k", ApiSecret = "s", TimeoutSeconds = 5 });
        var rooms = new LiveKitRoomService(_http, new LiveKitTokens(options, TimeProvider.System), options);
        var ex = await Assert.ThrowsAsync<LiveKitException>(() => rooms.DeleteRoomAsync("x"));
        Assert.True(ex.Code is "unavailable" or "timeout", ex.Code);
        Assert.StartsWith("LiveKit RoomService.DeleteRoom ", ex.Message);
    }

    [Fact]
    public async Task LiveKit_ingress_and_egress_calls_carry_their_grants_and_read_the_answers()
    {
        var ingress = new LiveKitIngressService(_http, _tokens, _options);
        var made = await ingress.CreateAsync(LiveKitIngressInput.Rtmp, "event-4", "ingress-u", "Host");
        Assert.StartsWith("IN_", made.IngressId);
        Assert.Equal("rtmp://ingress.fake/x", made.Url);
        Assert.StartsWith("sk_", made.StreamKey);
        var create = Assert.Single(_lk.CallsTo("CreateIngress"));
        Assert.Equal("/twirp/livekit.Ingress/CreateIngress", create.Path);
        Assert.Equal("{\"ingressAdmin\":true}", create.Grant!.ToJsonString());
        Assert.Equal("RTMP_INPUT", create.Body["inputType"]!.ToString());
        Assert.Equal("event-4", create.Body["roomName"]!.ToString());
        await ingress.DeleteAsync(made.IngressId);
        Assert.Equal(made.IngressId, Assert.Single(_lk.CallsTo("DeleteIngress")).Body["ingressId"]!.ToString());

        var egress = new LiveKitEgressService(_http, _tokens, _options);
        var started = await egress.StartRoomCompositeAsync("event-4");
        Assert.Equal("EGRESS_STARTING", started.Status);
        var start = Assert.Single(_lk.CallsTo("StartRoomCompositeEgress"));
        Assert.Equal("/twirp/livekit.Egress/StartRoomCompositeEgress", start.Path);
        Assert.Equal("{\"roomRecord\":true}", start.Grant!.ToJsonString());
        var file = start.Body["fileOutputs"]![0]!;
        Assert.Equal("MP4", file["fileType"]!.ToString());
        Assert.Equal("recordings/{room_name}-{time}.mp4", file["filepath"]!.ToString());
        Assert.Equal("recs", file["s3"]!["bucket"]!.ToString());
        await egress.StopAsync(started.EgressId);
        Assert.Equal(started.EgressId, Assert.Single(_lk.CallsTo("StopEgress")).Body["egressId"]!.ToString());
    }

    [Fact]
    public async Task LiveKit_clients_say_not_configured_without_calling_anyone()
    {
        var options = Options.Create(new LiveKitOptions());
        var rooms = new LiveKitRoomService(_http, new LiveKitTokens(options, TimeProvider.System), options);
        var ex = await Assert.ThrowsAsync<LiveKitNotConfiguredException>(() => rooms.ListParticipantsAsync("x"));
        Assert.Equal(StreamingMessages.NotConfigured, ex.Message);
        Assert.Empty(_lk.Calls);
    }
}

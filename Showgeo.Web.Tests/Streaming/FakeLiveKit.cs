using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Showgeo.Web.Tests.Streaming;

/// <summary>
/// A small LiveKit server API on loopback inside the test process (Kestrel on 127.0.0.1:0), speaking Twirp JSON as
/// LiveKit does: <c>POST /twirp/livekit.{RoomService|Ingress|Egress}/{Method}</c>, bearer JWT, answers in protojson
/// style (snake_case names, int64 as strings, enums as names), errors as <c>{"code","msg"}</c>.
/// <para>Use: <c>var lk = await FakeLiveKit.StartAsync();</c> then point the app at it with
/// <c>LiveKit:Url = lk.WsUrl</c>, <c>LiveKit:ApiKey = FakeLiveKit.ApiKey</c>, <c>LiveKit:ApiSecret = FakeLiveKit.ApiSecret</c>
/// (see <see cref="Settings"/>). Then:</para>
/// <list type="bullet">
/// <item><see cref="Calls"/>: every request (path, Authorization header, the decoded <c>video</c> grant, JSON body, whether
/// the signature checked out with our secret).</item>
/// <item><see cref="AddParticipant"/> / <see cref="Rooms"/>: room state for ListParticipants, RemoveParticipant, UpdateParticipant.</item>
/// <item><see cref="FailNext"/>: the next call to a method answers a Twirp error; <see cref="Delay"/>: answers come late (timeouts).</item>
/// <item><see cref="Webhook"/>: an Authorization header for a webhook body, signed as LiveKit signs them.</item>
/// </list>
/// It has no WebSocket (/rtc) endpoint: browsers pointed at <see cref="WsUrl"/> start connecting and fail.
/// </summary>
public sealed class FakeLiveKit : IAsyncDisposable
{
    public const string ApiKey = "devkey";
    /// <summary>LiveKit's own dev secret: shorter than HS256 libraries accept, on purpose.</summary>
    public const string ApiSecret = "secret";

    public sealed record Call(string Path, string? Authorization, JsonObject? Grant, JsonObject Body, bool SignatureValid);

    public sealed record Participant(string Sid, string Identity, string Name, string Metadata, string Kind, bool CanPublish)
    {
        public string Metadata { get; set; } = Metadata;
        public bool CanPublish { get; set; } = CanPublish;
    }

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Code, string Msg)>> _failures = new();
    private int _counter;

    public ConcurrentQueue<Call> Calls { get; } = new();
    /// <summary>Rooms by name; CreateRoom adds one, DeleteRoom removes it.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, Participant>> Rooms { get; } = new();
    public ConcurrentDictionary<string, string> Ingresses { get; } = new();
    public ConcurrentDictionary<string, string> Egresses { get; } = new();
    public string BaseUrl { get; }
    public string WsUrl => "ws" + BaseUrl["http".Length..];
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    private FakeLiveKit(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    /// <summary>The app settings that point Showgeo at this fake.</summary>
    public void Settings(IDictionary<string, string?> settings)
    {
        settings["LiveKit:Url"] = WsUrl;
        settings["LiveKit:ApiKey"] = ApiKey;
        settings["LiveKit:ApiSecret"] = ApiSecret;
    }

    public static async Task<FakeLiveKit> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeLiveKit? self = null;
        app.MapPost("/twirp/livekit.{service}/{method}", (Func<HttpContext, Task>)(ctx => self!.HandleAsync(ctx)));
        await app.StartAsync();
        var url = app.Urls.First().TrimEnd('/');
        self = new FakeLiveKit(app, url);
        return self;
    }

    /// <summary>The next call to <paramref name="method"/> (e.g. <c>RoomService/CreateRoom</c>) answers this Twirp error.</summary>
    public void FailNext(string method, string code = "internal", string msg = "fake failure", int status = 500) =>
        _failures.GetOrAdd(method, _ => new()).Enqueue((status, code, msg));

    public Participant AddParticipant(string room, string identity, string name = "", string metadata = "", string kind = "STANDARD", bool canPublish = false)
    {
        var p = new Participant("PA_" + Interlocked.Increment(ref _counter), identity, name, metadata, kind, canPublish);
        Rooms.GetOrAdd(room, _ => new())[identity] = p;
        return p;
    }

    public IEnumerable<Call> CallsTo(string method) => Calls.Where(c => c.Path.EndsWith("/" + method, StringComparison.Ordinal));

    private async Task HandleAsync(HttpContext ctx)
    {
        var service = (string)ctx.Request.RouteValues["service"]!;
        var method = (string)ctx.Request.RouteValues["method"]!;
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync();
        var body = JsonNode.Parse(raw) as JsonObject ?? [];
        string? auth = ctx.Request.Headers.Authorization;
        var (grant, valid) = Decode(auth);
        Calls.Enqueue(new(ctx.Request.Path, auth, grant, body, valid));
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay);

        if (!valid || !ctx.Request.ContentType!.StartsWith("application/json", StringComparison.Ordinal))
        {
            await Error(ctx, 401, "unauthenticated", "invalid token");
            return;
        }
        if (_failures.TryGetValue($"{service}/{method}", out var queue) && queue.TryDequeue(out var fail))
        {
            await Error(ctx, fail.Status, fail.Code, fail.Msg);
            return;
        }
        var answer = (service, method) switch
        {
            ("RoomService", "CreateRoom") => CreateRoom(body),
            ("RoomService", "DeleteRoom") => Rooms.TryRemove(Str(body, "room"), out _) ? new JsonObject() : null,
            ("RoomService", "ListParticipants") => new JsonObject
            {
                ["participants"] = new JsonArray([.. (Rooms.TryGetValue(Str(body, "room"), out var r) ? r.Values : []).Select(ToJson)]),
            },
            ("RoomService", "RemoveParticipant") => Rooms.TryGetValue(Str(body, "room"), out var room) && room.TryRemove(Str(body, "identity"), out _)
                ? new JsonObject() : null,
            ("RoomService", "UpdateParticipant") => Update(body),
            ("RoomService", "MutePublishedTrack") => new JsonObject { ["track"] = new JsonObject { ["sid"] = Str(body, "trackSid"), ["muted"] = body["muted"]?.DeepClone() } },
            ("Ingress", "CreateIngress") => CreateIngress(body),
            ("Ingress", "DeleteIngress") => Ingresses.TryRemove(Str(body, "ingressId"), out _) ? new JsonObject { ["ingress_id"] = Str(body, "ingressId") } : null,
            ("Ingress", "ListIngress") => new JsonObject { ["items"] = new JsonArray() },
            ("Egress", "StartRoomCompositeEgress") => StartEgress(body),
            ("Egress", "StopEgress") => Egresses.TryRemove(Str(body, "egressId"), out var roomName)
                ? new JsonObject { ["egress_id"] = Str(body, "egressId"), ["room_name"] = roomName, ["status"] = "EGRESS_ENDING" } : null,
            _ => new JsonObject { ["__bad_route"] = true },
        };
        if (answer is null) await Error(ctx, 404, "not_found", $"{method}: not found");
        else if (answer.ContainsKey("__bad_route")) await Error(ctx, 404, "bad_route", $"no handler for {service}/{method}");
        else await Results.Text(answer.ToJsonString(), "application/json").ExecuteAsync(ctx);
    }

    private JsonObject CreateRoom(JsonObject body)
    {
        var name = Str(body, "name");
        Rooms.GetOrAdd(name, _ => new());
        return new JsonObject
        {
            ["sid"] = "RM_" + name, ["name"] = name, ["empty_timeout"] = body["emptyTimeout"]?.DeepClone() ?? 0,
            ["creation_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(), ["num_participants"] = 0,
        };
    }

    private JsonObject? Update(JsonObject body)
    {
        if (!Rooms.TryGetValue(Str(body, "room"), out var room) || !room.TryGetValue(Str(body, "identity"), out var p)) return null;
        if (body["metadata"] is JsonValue m) p.Metadata = m.GetValue<string>();
        if (body["permission"] is JsonObject perm && perm["canPublish"] is JsonValue cp) p.CanPublish = cp.GetValue<bool>();
        return ToJson(p);
    }

    private JsonObject CreateIngress(JsonObject body)
    {
        var id = "IN_" + Interlocked.Increment(ref _counter);
        Ingresses[id] = Str(body, "roomName");
        var whip = Str(body, "inputType") == "WHIP_INPUT";
        return new JsonObject
        {
            ["ingress_id"] = id, ["name"] = Str(body, "name"), ["stream_key"] = "sk_" + Guid.NewGuid().ToString("N")[..12],
            ["url"] = whip ? "https://ingress.fake/w" : "rtmp://ingress.fake/x", ["input_type"] = whip ? "WHIP_INPUT" : "RTMP_INPUT",
            ["room_name"] = Str(body, "roomName"), ["participant_identity"] = Str(body, "participantIdentity"),
        };
    }

    private JsonObject StartEgress(JsonObject body)
    {
        var id = "EG_" + Interlocked.Increment(ref _counter);
        Egresses[id] = Str(body, "roomName");
        return new JsonObject
        {
            ["egress_id"] = id, ["room_name"] = Str(body, "roomName"), ["status"] = "EGRESS_STARTING",
            ["started_at"] = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(),
        };
    }

    private static JsonObject ToJson(Participant p) => new()
    {
        ["sid"] = p.Sid, ["identity"] = p.Identity, ["name"] = p.Name, ["metadata"] = p.Metadata, ["state"] = "ACTIVE",
        ["joined_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(), ["kind"] = p.Kind,
        ["permission"] = new JsonObject { ["can_subscribe"] = true, ["can_publish"] = p.CanPublish, ["can_publish_data"] = p.CanPublish },
    };

    private static string Str(JsonObject body, string name) => body[name] is JsonValue v ? v.ToString() : "";

    private static Task Error(HttpContext ctx, int status, string code, string msg) =>
        Results.Text(new JsonObject { ["code"] = code, ["msg"] = msg }.ToJsonString(), "application/json", statusCode: status).ExecuteAsync(ctx);

    /// <summary>The <c>video</c> claim of a "Bearer …" token, and whether its HS256 signature, issuer and expiry hold.</summary>
    private static (JsonObject? Grant, bool Valid) Decode(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return (null, false);
        var parts = authorization["Bearer ".Length..].Split('.');
        if (parts.Length != 3) return (null, false);
        var claims = JsonNode.Parse(FromB64Url(parts[1])) as JsonObject;
        var valid = claims is not null && B64Url(Hmac(parts[0] + "." + parts[1])) == parts[2]
            && claims["iss"]?.ToString() == ApiKey && claims["exp"]?.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (claims?["video"] as JsonObject, valid);
    }

    /// <summary>An Authorization header value for <paramref name="body"/> as LiveKit sends it: a bare JWT with the body's sha256.</summary>
    public static string Webhook(string body, string secret = ApiSecret, string issuer = ApiKey, TimeSpan? validFor = null, string? sha256 = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8.ToArray());
        var claims = new JsonObject
        {
            ["iss"] = issuer, ["nbf"] = now - 5, ["exp"] = now + (long)(validFor ?? TimeSpan.FromMinutes(5)).TotalSeconds,
            ["sha256"] = sha256 ?? Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
        };
        var payload = B64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return header + "." + payload + "." + B64Url(Hmac(header + "." + payload, secret));
    }

    public static byte[] Hmac(string input, string secret = ApiSecret) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(input));

    public static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromB64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

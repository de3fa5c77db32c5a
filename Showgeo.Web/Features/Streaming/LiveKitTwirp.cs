using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Streaming;

/// <summary>A LiveKit server call failed: its Twirp error (<see cref="Code"/> + message), a timeout, or no answer.</summary>
public class LiveKitException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The Twirp error code (<c>not_found</c>, <c>permission_denied</c>…), or <c>timeout</c>, <c>unavailable</c>, <c>not_configured</c>, <c>malformed</c>.</summary>
    public string Code { get; } = code;
}

/// <summary>Thrown by every streaming service when LiveKit is not configured; pages check <see cref="LiveKitOptions.IsConfigured"/> first.</summary>
public sealed class LiveKitNotConfiguredException() : LiveKitException("not_configured", StreamingMessages.NotConfigured);

/// <summary>
/// One Twirp JSON call to LiveKit: <c>POST {api}/twirp/livekit.{Service}/{Method}</c> with a camelCase JSON body and a
/// fresh bearer token carrying only the call's grant (https://docs.livekit.io/reference/server/server-apis/). LiveKit
/// answers with protojson (snake_case names, int64 as strings, enums as names), which <see cref="TwirpJson"/> reads
/// tolerantly; an error is <c>{"code","msg"}</c>.
/// </summary>
public abstract class LiveKitTwirpClient(HttpClient http, LiveKitTokens tokens, IOptions<LiveKitOptions> options)
{
    private static readonly JsonSerializerOptions RequestJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    protected abstract string Service { get; }

    protected LiveKitOptions Settings => options.Value;

    protected async Task<JsonElement> CallAsync(string method, object request, LiveKitVideoGrant grant, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new LiveKitNotConfiguredException();
        var what = $"LiveKit {Service}.{method}";
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(o.ApiBase, $"twirp/livekit.{Service}/{method}"))
        {
            Content = new StringContent(JsonSerializer.Serialize(request, request.GetType(), RequestJson), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.ForServer(grant));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        string body;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new LiveKitException("timeout", $"{what} did not answer within {o.TimeoutSeconds} s.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new LiveKitException("unavailable", $"{what} could not be reached: {ex.Message}", ex);
        }
        using (response)
        {
            JsonDocument? doc = null;
            try { doc = string.IsNullOrWhiteSpace(body) ? null : JsonDocument.Parse(body); }
            catch (JsonException) { }
            using (doc)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var code = doc is { RootElement.ValueKind: JsonValueKind.Object } ? TwirpJson.Str(doc.RootElement, "code") : null;
                    var msg = doc is { RootElement.ValueKind: JsonValueKind.Object } ? TwirpJson.Str(doc.RootElement, "msg") : null;
                    throw new LiveKitException(code ?? "http_" + (int)response.StatusCode,
                        $"{what} failed ({code ?? "HTTP " + (int)response.StatusCode}): {msg ?? "no error message"}");
                }
                if (doc is null) return JsonDocument.Parse("{}").RootElement.Clone();
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new LiveKitException("malformed", $"{what} answered something that is not a JSON object.");
                return doc.RootElement.Clone();
            }
        }
    }
}

/// <summary>Reads protojson as LiveKit writes it: names in snake_case or lowerCamelCase, int64 as string or number.</summary>
public static class TwirpJson
{
    public static JsonElement? Prop(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        var want = Normal(name);
        foreach (var p in e.EnumerateObject())
            if (Normal(p.Name) == want && p.Value.ValueKind != JsonValueKind.Null) return p.Value;
        return null;
    }

    public static string? Str(JsonElement e, string name) => Prop(e, name) switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        _ => null,
    };

    public static long? Long(JsonElement e, string name) => Prop(e, name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.String } v when long.TryParse(v.GetString(), out var n) => n,
        _ => null,
    };

    public static bool Bool(JsonElement e, string name) => Prop(e, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.String } v => string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        Prop(e, name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    /// <summary>An int64 Unix time in seconds; values that large are taken as milliseconds or nanoseconds as LiveKit uses both.</summary>
    public static DateTimeOffset? Time(JsonElement e, string name) => Long(e, name) switch
    {
        null or <= 0 => null,
        > 100_000_000_000_000 and var ns => DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000),
        > 100_000_000_000 and var ms => DateTimeOffset.FromUnixTimeMilliseconds(ms),
        var s => DateTimeOffset.FromUnixTimeSeconds(s.Value),
    };

    private static string Normal(string name) => name.Replace("_", "").ToLowerInvariant();
}

/// <summary>What a participant may do, as LiveKit's ParticipantPermission.</summary>
public sealed record LiveKitPermission(bool CanSubscribe, bool CanPublish, bool CanPublishData, bool Hidden = false, bool CanUpdateMetadata = false)
{
    internal static LiveKitPermission? From(JsonElement? e) => e is { ValueKind: JsonValueKind.Object } p
        ? new(TwirpJson.Bool(p, "canSubscribe"), TwirpJson.Bool(p, "canPublish"), TwirpJson.Bool(p, "canPublishData"),
            TwirpJson.Bool(p, "hidden"), TwirpJson.Bool(p, "canUpdateMetadata"))
        : null;
}

/// <summary>One participant as LiveKit reports it (ParticipantInfo). <see cref="Kind"/>: STANDARD, INGRESS, EGRESS, SIP, AGENT.</summary>
public sealed record LiveKitParticipant(string Sid, string Identity, string? Name, string? Metadata, string? State,
    DateTimeOffset? JoinedAt, string? Kind, LiveKitPermission? Permission)
{
    public static LiveKitParticipant From(JsonElement p) => new(
        TwirpJson.Str(p, "sid") ?? "", TwirpJson.Str(p, "identity") ?? "", TwirpJson.Str(p, "name"), TwirpJson.Str(p, "metadata"),
        TwirpJson.Str(p, "state"), TwirpJson.Time(p, "joinedAt"), TwirpJson.Str(p, "kind"), LiveKitPermission.From(TwirpJson.Prop(p, "permission")));
}

/// <summary>LiveKit's RoomService (https://docs.livekit.io/reference/server/server-apis/#roomservice).</summary>
public sealed class LiveKitRoomService(HttpClient http, LiveKitTokens tokens, IOptions<LiveKitOptions> options)
    : LiveKitTwirpClient(http, tokens, options)
{
    protected override string Service => "RoomService";

    private static LiveKitVideoGrant Admin(string room) => new() { RoomAdmin = true, Room = room };

    /// <summary>Creates the room, or returns the existing one: LiveKit answers CreateRoom for an existing name with it.</summary>
    public async Task CreateRoomAsync(string room, TimeSpan emptyTimeout, string? metadata = null, CancellationToken ct = default) =>
        await CallAsync("CreateRoom", new { name = room, emptyTimeout = (int)emptyTimeout.TotalSeconds, metadata },
            new LiveKitVideoGrant { RoomCreate = true }, ct);

    public async Task DeleteRoomAsync(string room, CancellationToken ct = default) =>
        await CallAsync("DeleteRoom", new { room }, new LiveKitVideoGrant { RoomCreate = true }, ct);

    public async Task<IReadOnlyList<LiveKitParticipant>> ListParticipantsAsync(string room, CancellationToken ct = default)
    {
        var answer = await CallAsync("ListParticipants", new { room }, Admin(room), ct);
        return [.. TwirpJson.Array(answer, "participants").Select(LiveKitParticipant.From)];
    }

    public async Task<LiveKitParticipant> UpdateParticipantAsync(string room, string identity, string? metadata = null,
        LiveKitPermission? permission = null, CancellationToken ct = default)
    {
        var answer = await CallAsync("UpdateParticipant", new { room, identity, metadata, permission }, Admin(room), ct);
        return LiveKitParticipant.From(answer);
    }

    public async Task RemoveParticipantAsync(string room, string identity, CancellationToken ct = default) =>
        await CallAsync("RemoveParticipant", new { room, identity }, Admin(room), ct);

    public async Task MutePublishedTrackAsync(string room, string identity, string trackSid, bool muted, CancellationToken ct = default) =>
        await CallAsync("MutePublishedTrack", new { room, identity, trackSid, muted }, Admin(room), ct);
}

public enum LiveKitIngressInput { Rtmp, Whip }

/// <summary>An ingress endpoint: where OBS sends to, and its stream key.</summary>
public sealed record LiveKitIngress(string IngressId, string Url, string StreamKey, string? RoomName, string? InputType)
{
    public static LiveKitIngress From(JsonElement e) => new(TwirpJson.Str(e, "ingressId") ?? "", TwirpJson.Str(e, "url") ?? "",
        TwirpJson.Str(e, "streamKey") ?? "", TwirpJson.Str(e, "roomName"), TwirpJson.Str(e, "inputType"));
}

/// <summary>LiveKit's Ingress service (https://docs.livekit.io/home/ingress/overview/); every call needs <c>ingressAdmin</c>.</summary>
public sealed class LiveKitIngressService(HttpClient http, LiveKitTokens tokens, IOptions<LiveKitOptions> options)
    : LiveKitTwirpClient(http, tokens, options)
{
    protected override string Service => "Ingress";

    private static readonly LiveKitVideoGrant Grant = new() { IngressAdmin = true };

    public async Task<LiveKitIngress> CreateAsync(LiveKitIngressInput input, string room, string participantIdentity,
        string participantName, CancellationToken ct = default)
    {
        var answer = await CallAsync("CreateIngress", new
        {
            inputType = input == LiveKitIngressInput.Whip ? "WHIP_INPUT" : "RTMP_INPUT",
            name = room, roomName = room, participantIdentity, participantName,
        }, Grant, ct);
        var ingress = LiveKitIngress.From(answer);
        if (ingress.IngressId.Length == 0 || ingress.Url.Length == 0)
            throw new LiveKitException("malformed", "LiveKit Ingress.CreateIngress answered without an ingress id or URL.");
        return ingress;
    }

    public async Task DeleteAsync(string ingressId, CancellationToken ct = default) =>
        await CallAsync("DeleteIngress", new { ingressId }, Grant, ct);

    public async Task<IReadOnlyList<LiveKitIngress>> ListAsync(string room, CancellationToken ct = default)
    {
        var answer = await CallAsync("ListIngress", new { roomName = room }, Grant, ct);
        return [.. TwirpJson.Array(answer, "items").Select(LiveKitIngress.From)];
    }
}

/// <summary>An egress (recording) as LiveKit reports it; <see cref="Status"/> is EGRESS_STARTING, EGRESS_ACTIVE, EGRESS_COMPLETE…</summary>
public sealed record LiveKitEgress(string EgressId, string? RoomName, string? Status, string? Error, IReadOnlyList<LiveKitEgressFile> Files)
{
    public static LiveKitEgress From(JsonElement e) => new(TwirpJson.Str(e, "egressId") ?? "", TwirpJson.Str(e, "roomName"),
        TwirpJson.Str(e, "status"), TwirpJson.Str(e, "error"),
        [.. TwirpJson.Array(e, "fileResults").Concat(TwirpJson.Prop(e, "file") is { ValueKind: JsonValueKind.Object } f ? [f] : [])
            .Select(LiveKitEgressFile.From)]);
}

/// <summary>A finished file; <see cref="Duration"/> from LiveKit's nanoseconds.</summary>
public sealed record LiveKitEgressFile(string? Filename, string? Location, long Size, TimeSpan Duration)
{
    public static LiveKitEgressFile From(JsonElement f) => new(TwirpJson.Str(f, "filename"), TwirpJson.Str(f, "location"),
        TwirpJson.Long(f, "size") ?? 0, TimeSpan.FromTicks((TwirpJson.Long(f, "duration") ?? 0) / 100));
}

/// <summary>LiveKit's Egress service (https://docs.livekit.io/home/egress/api/); calls need <c>roomRecord</c>.</summary>
public sealed class LiveKitEgressService(HttpClient http, LiveKitTokens tokens, IOptions<LiveKitOptions> settings)
    : LiveKitTwirpClient(http, tokens, settings)
{
    protected override string Service => "Egress";

    private static readonly LiveKitVideoGrant Grant = new() { RoomRecord = true };

    /// <summary>Starts a room composite MP4 recording of <paramref name="room"/> to the configured storage.</summary>
    public async Task<LiveKitEgress> StartRoomCompositeAsync(string room, CancellationToken ct = default)
    {
        var e = Settings.Egress;
        if (!Settings.CanRecord) throw new LiveKitException("not_configured", StreamingMessages.EgressNotConfigured);
        object? s3 = string.IsNullOrWhiteSpace(e.S3Bucket) ? null : new
        {
            accessKey = e.S3AccessKey, secret = e.S3Secret, region = e.S3Region, endpoint = e.S3Endpoint,
            bucket = e.S3Bucket, forcePathStyle = e.S3ForcePathStyle,
        };
        var answer = await CallAsync("StartRoomCompositeEgress", new
        {
            roomName = room, layout = e.Layout,
            fileOutputs = new[] { new { fileType = "MP4", filepath = e.FilepathTemplate, s3 } },
        }, Grant, ct);
        var egress = LiveKitEgress.From(answer);
        if (egress.EgressId.Length == 0) throw new LiveKitException("malformed", "LiveKit Egress.StartRoomCompositeEgress answered without an egress id.");
        return egress;
    }

    public async Task<LiveKitEgress> StopAsync(string egressId, CancellationToken ct = default) =>
        LiveKitEgress.From(await CallAsync("StopEgress", new { egressId }, Grant, ct));
}

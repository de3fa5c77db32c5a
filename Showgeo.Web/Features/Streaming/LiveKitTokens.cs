using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Streaming;

/// <summary>What a participant may do in the room; the token's grant follows from it (see <see cref="LiveKitTokens.GrantFor"/>).</summary>
public enum StreamRole { Viewer, Guest, Host }

/// <summary>
/// LiveKit's <c>video</c> claim, with its exact JSON names (livekit/protocol auth/grants.go, VideoGrant). Unset
/// members are left out of the token; LiveKit grants publish/subscribe/data when none of them is set, so every
/// participant grant here sets all three explicitly.
/// </summary>
public sealed record LiveKitVideoGrant
{
    [JsonPropertyName("roomCreate")] public bool? RoomCreate { get; init; }
    [JsonPropertyName("roomList")] public bool? RoomList { get; init; }
    [JsonPropertyName("roomRecord")] public bool? RoomRecord { get; init; }
    [JsonPropertyName("roomAdmin")] public bool? RoomAdmin { get; init; }
    [JsonPropertyName("roomJoin")] public bool? RoomJoin { get; init; }
    [JsonPropertyName("room")] public string? Room { get; init; }
    [JsonPropertyName("canPublish")] public bool? CanPublish { get; init; }
    [JsonPropertyName("canSubscribe")] public bool? CanSubscribe { get; init; }
    [JsonPropertyName("canPublishData")] public bool? CanPublishData { get; init; }
    [JsonPropertyName("canUpdateOwnMetadata")] public bool? CanUpdateOwnMetadata { get; init; }
    [JsonPropertyName("ingressAdmin")] public bool? IngressAdmin { get; init; }
    [JsonPropertyName("hidden")] public bool? Hidden { get; init; }
}

/// <summary>The claims of a LiveKit token this app reads back (webhooks).</summary>
public sealed record LiveKitClaims(string? Issuer, string? Subject, long? NotBefore, long? Expires, string? Sha256);

/// <summary>
/// The one place LiveKit JWTs are signed and checked: HS256 over the API secret's UTF-8 bytes, written by hand so that
/// short development secrets such as <c>secret</c> work (token format: https://docs.livekit.io/home/get-started/authentication/).
/// </summary>
public sealed class LiveKitTokens(IOptions<LiveKitOptions> options, TimeProvider clock)
{
    /// <summary>LiveKit's own verifier allows one minute of clock skew (livekit/protocol auth/verifier.go).</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);
    /// <summary>The server SDKs mint a fresh token per API call valid for ten minutes.</summary>
    public static readonly TimeSpan ServerTokenLifetime = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly string Header = B64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);

    private LiveKitOptions O => options.Value;

    /// <summary>The grant each role gets in <paramref name="room"/>.</summary>
    /// <remarks>
    /// No role gets <c>roomAdmin</c>: removing people and changing stage permissions go through this app's own
    /// checks and its server-side calls, so a host's browser never holds a token that could bypass them. Viewers get
    /// no data channel: reactions and chat go through Showgeo chat, where bans and rate limits apply.
    /// </remarks>
    public static LiveKitVideoGrant GrantFor(StreamRole role, string room) => role switch
    {
        StreamRole.Host or StreamRole.Guest => new()
        {
            RoomJoin = true, Room = room, CanPublish = true, CanSubscribe = true, CanPublishData = true,
        },
        _ => new() { RoomJoin = true, Room = room, CanPublish = false, CanSubscribe = true, CanPublishData = false },
    };

    /// <summary>How long a token for <paramref name="role"/> lives when the caller does not say.</summary>
    public TimeSpan LifetimeFor(StreamRole role) => role == StreamRole.Viewer
        ? TimeSpan.FromMinutes(O.ViewerTokenMinutes)
        : TimeSpan.FromMinutes(O.PublisherTokenMinutes);

    /// <summary>A participant token: <c>sub</c> = <paramref name="identity"/>, <c>name</c>, the role's grant, <c>metadata</c>.</summary>
    public string Issue(string identity, string? name, string room, StreamRole role, TimeSpan? ttl = null, string? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        ArgumentException.ThrowIfNullOrWhiteSpace(room);
        return Sign(new Dictionary<string, object?>
        {
            ["sub"] = identity,
            ["name"] = string.IsNullOrEmpty(name) ? null : name,
            ["video"] = GrantFor(role, room),
            ["metadata"] = string.IsNullOrEmpty(metadata) ? null : metadata,
        }, ttl ?? LifetimeFor(role));
    }

    /// <summary>The bearer token for one server API call, carrying only <paramref name="videoGrant"/>.</summary>
    public string ForServer(LiveKitVideoGrant videoGrant) =>
        Sign(new Dictionary<string, object?> { ["video"] = videoGrant }, ServerTokenLifetime);

    /// <summary>A token carrying a body hash, as LiveKit signs its webhooks (used by the tests' fake LiveKit too).</summary>
    public string ForWebhook(string sha256Base64, TimeSpan? ttl = null) =>
        Sign(new Dictionary<string, object?> { ["sha256"] = sha256Base64 }, ttl ?? TimeSpan.FromMinutes(5));

    private string Sign(Dictionary<string, object?> claims, TimeSpan ttl)
    {
        if (!O.IsConfigured) throw new LiveKitNotConfiguredException();
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var all = new Dictionary<string, object?> { ["iss"] = O.ApiKey, ["nbf"] = now, ["exp"] = now + (long)ttl.TotalSeconds };
        foreach (var (k, v) in claims) if (v is not null) all[k] = v;
        var payload = B64Url(JsonSerializer.SerializeToUtf8Bytes(all, Json));
        var signingInput = Header + "." + payload;
        return signingInput + "." + B64Url(Hmac(O.ApiSecret!, signingInput));
    }

    /// <summary>
    /// Checks a token signed with our secret: HS256 header, signature, <c>iss</c> = our API key, <c>exp</c> present and
    /// not past (with <see cref="Leeway"/>), <c>nbf</c> not in the future. Null with <paramref name="problem"/> otherwise.
    /// </summary>
    public LiveKitClaims? Verify(string? token, out string problem)
    {
        problem = "";
        if (!O.IsConfigured) { problem = "LiveKit is not configured"; return null; }
        var parts = token?.Split('.');
        if (parts is not { Length: 3 }) { problem = "not a JWT"; return null; }
        try
        {
            using var header = JsonDocument.Parse(FromB64Url(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
            { problem = "not signed with HS256"; return null; }
            var expected = Hmac(O.ApiSecret!, parts[0] + "." + parts[1]);
            if (!CryptographicOperations.FixedTimeEquals(expected, FromB64Url(parts[2]))) { problem = "bad signature"; return null; }
            using var body = JsonDocument.Parse(FromB64Url(parts[1]));
            var c = body.RootElement;
            if (c.ValueKind != JsonValueKind.Object) { problem = "claims are not an object"; return null; }
            var claims = new LiveKitClaims(Str(c, "iss"), Str(c, "sub"), Num(c, "nbf"), Num(c, "exp"), Str(c, "sha256"));
            var now = clock.GetUtcNow();
            if (claims.Issuer != O.ApiKey) { problem = "unknown issuer"; return null; }
            if (claims.Expires is not { } exp) { problem = "no expiry"; return null; }
            if (DateTimeOffset.FromUnixTimeSeconds(exp) + Leeway < now) { problem = "expired"; return null; }
            if (claims.NotBefore is { } nbf && DateTimeOffset.FromUnixTimeSeconds(nbf) - Leeway > now) { problem = "not valid yet"; return null; }
            return claims;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            problem = "malformed token";
            return null;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static byte[] Hmac(string secret, string signingInput) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));

    /// <summary>base64url without padding (RFC 7515 §2).</summary>
    public static string B64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromB64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
    }
}

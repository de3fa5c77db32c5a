using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Streaming;

namespace Showgeo.Web.Tests.Streaming;

/// <summary>A clock the test sets.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

public sealed class LiveKitTokenTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 20, 0, 0, TimeSpan.Zero);

    public static LiveKitTokens Tokens(TimeProvider? clock = null, string secret = FakeLiveKit.ApiSecret) =>
        new(Options.Create(new LiveKitOptions { Url = "wss://lk.example", ApiKey = FakeLiveKit.ApiKey, ApiSecret = secret }),
            clock ?? new FixedClock(T0));

    private static (JsonElement Header, JsonElement Claims) Decode(string jwt, string secret = FakeLiveKit.ApiSecret)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.DoesNotContain('=', jwt);
        // The signature is recomputed here, independently of the code under test.
        Assert.Equal(FakeLiveKit.B64Url(FakeLiveKit.Hmac(parts[0] + "." + parts[1], secret)), parts[2]);
        return (JsonDocument.Parse(FakeLiveKit.FromB64Url(parts[0])).RootElement,
            JsonDocument.Parse(FakeLiveKit.FromB64Url(parts[1])).RootElement);
    }

    private static Dictionary<string, string> Video(JsonElement claims) =>
        claims.GetProperty("video").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());

    [Fact]
    public void LiveKit_token_has_the_HS256_header_and_registered_claims_and_works_with_the_short_dev_secret()
    {
        var jwt = Tokens().Issue("user-1", "Alice", "event-abc", StreamRole.Viewer, metadata: "{\"role\":\"viewer\"}");
        var (header, claims) = Decode(jwt);
        Assert.Equal("HS256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal("devkey", claims.GetProperty("iss").GetString());
        Assert.Equal("user-1", claims.GetProperty("sub").GetString());
        Assert.Equal("Alice", claims.GetProperty("name").GetString());
        Assert.Equal("{\"role\":\"viewer\"}", claims.GetProperty("metadata").GetString());
        Assert.Equal(T0.ToUnixTimeSeconds(), claims.GetProperty("nbf").GetInt64());
        Assert.Equal(T0.AddMinutes(10).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData(StreamRole.Host, "canPublish=True,canPublishData=True,canSubscribe=True,room=event-r,roomJoin=True", 60)]
    [InlineData(StreamRole.Guest, "canPublish=True,canPublishData=True,canSubscribe=True,room=event-r,roomJoin=True", 60)]
    [InlineData(StreamRole.Viewer, "canPublish=False,canPublishData=False,canSubscribe=True,room=event-r,roomJoin=True", 10)]
    public void LiveKit_grant_per_role_uses_the_exact_JSON_names(StreamRole role, string expected, int minutes)
    {
        var (_, claims) = Decode(Tokens().Issue("u", "N", "event-r", role));
        var video = Video(claims);
        Assert.Equal(expected, string.Join(",", video.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.False(video.ContainsKey("roomAdmin"));
        Assert.Equal(T0.AddMinutes(minutes).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void LiveKit_server_token_carries_only_the_calls_grant_and_no_subject()
    {
        var (_, claims) = Decode(Tokens().ForServer(new LiveKitVideoGrant { RoomCreate = true }));
        Assert.Equal("{\"roomCreate\":true}", claims.GetProperty("video").GetRawText());
        Assert.False(claims.TryGetProperty("sub", out _));
        Assert.Equal(T0.AddMinutes(10).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void LiveKit_verify_accepts_our_webhook_token_and_refuses_tampering_expiry_and_other_issuers()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var tokens = Tokens(clock);
        var good = FakeLiveKit.Webhook("{}");
        Assert.NotNull(tokens.Verify(good, out _));
        Assert.Null(tokens.Verify(good[..^2] + (good[^2] == 'A' ? "BB" : "AA"), out var bad));
        Assert.Equal("bad signature", bad);
        Assert.Null(tokens.Verify(FakeLiveKit.Webhook("{}", secret: "other"), out _));
        Assert.Null(tokens.Verify(FakeLiveKit.Webhook("{}", issuer: "someone"), out var issuer));
        Assert.Equal("unknown issuer", issuer);
        // Within LiveKit's one-minute leeway the token still passes; beyond it, it is expired.
        clock.Now = DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(50);
        Assert.NotNull(tokens.Verify(good, out _));
        clock.Now = DateTimeOffset.UtcNow.AddMinutes(6).AddSeconds(30);
        Assert.Null(tokens.Verify(good, out var expired));
        Assert.Equal("expired", expired);
        Assert.Null(tokens.Verify("Bearer " + good, out _));
        Assert.Null(tokens.Verify("not.a.jwt!", out _));
    }

    [Fact]
    public void LiveKit_tokens_refuse_to_sign_without_configuration()
    {
        var tokens = new LiveKitTokens(Options.Create(new LiveKitOptions()), TimeProvider.System);
        Assert.Throws<LiveKitNotConfiguredException>(() => tokens.Issue("u", null, "r", StreamRole.Viewer));
        Assert.Equal(StreamingMessages.NotConfigured, Assert.Throws<LiveKitNotConfiguredException>(() => tokens.ForServer(new())).Message);
    }

    [Theory]
    [InlineData("wss://lk.example", null, "https://lk.example/")]
    [InlineData("ws://127.0.0.1:7880", null, "http://127.0.0.1:7880/")]
    [InlineData("wss://lk.example", "https://api.example/base", "https://api.example/base/")]
    public void LiveKit_api_base_is_the_url_with_ws_turned_into_http(string url, string? api, string expected) =>
        Assert.Equal(expected, new LiveKitOptions { Url = url, ApiUrl = api, ApiKey = "k", ApiSecret = "s" }.ApiBase.ToString());

    [Fact]
    public void LiveKit_settings_half_made_stop_startup_naming_the_setting()
    {
        var ex = Assert.Throws<Showgeo.Web.Infrastructure.RequiredSettingException>(() => new LiveKitOptions { Url = "wss://x" }.Validate());
        Assert.Equal("LiveKit:ApiKey", ex.Setting);
        new LiveKitOptions().Validate();
        Assert.Equal(Encoding.UTF8.GetBytes("x"), FakeLiveKit.FromB64Url(LiveKitTokens.B64Url("x"u8)));
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Streaming;

/// <summary>
/// A LiveKit server as the streaming pages meet it, on loopback: the RoomService and Ingress Twirp calls (JSON) with
/// participants the test puts in the room, and the browser's signalling WebSocket (<c>/rtc</c>, <c>/rtc/v1</c>) that
/// records each upgrade's <c>access_token</c>. It verifies every bearer token's HS256 signature with the test secret.
/// </summary>
public sealed class StagePagesFakeLiveKit : IAsyncDisposable
{
    public const string ApiKey = "pages-test-key";
    public const string ApiSecret = "pages-test-secret-that-is-long-enough-0123";

    public sealed record Update(string Room, string Identity, bool? CanPublish, string? Metadata);

    private readonly WebApplication _app;
    public string HttpBase { get; }
    public string WsUrl => "ws" + HttpBase["http".Length..];
    public ConcurrentDictionary<string, byte> InRoom { get; } = new();
    public ConcurrentQueue<Update> Updates { get; } = new();
    public ConcurrentQueue<string> SignalTokens { get; } = new();
    public ConcurrentQueue<string> Calls { get; } = new();
    public ConcurrentQueue<string> BadAuth { get; } = new();

    private StagePagesFakeLiveKit(WebApplication app, string baseUrl) => (_app, HttpBase) = (app, baseUrl);

    public static async Task<StagePagesFakeLiveKit> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        StagePagesFakeLiveKit? self = null;
        app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            var path = ctx.Request.Path.Value ?? "";
            if (path.StartsWith("/rtc", StringComparison.Ordinal)) { await self!.SignalAsync(ctx); return; }
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (HttpMethods.IsPost(ctx.Request.Method) && parts is ["twirp", var service, var method] && service.StartsWith("livekit.", StringComparison.Ordinal))
            {
                var result = await self!.TwirpAsync(ctx, service["livekit.".Length..], method);
                await result.ExecuteAsync(ctx);
                return;
            }
            await next(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new StagePagesFakeLiveKit(app, address.TrimEnd('/'));
        return self;
    }

    public void Settings(IDictionary<string, string?> settings)
    {
        settings["LiveKit:Url"] = WsUrl;
        settings["LiveKit:ApiKey"] = ApiKey;
        settings["LiveKit:ApiSecret"] = ApiSecret;
        settings["LiveKit:IngressEnabled"] = "true";
    }

    /// <summary>The claims of a token this fake's secret signed, or null when the signature does not match.</summary>
    public static JsonElement? Verify(string? jwt)
    {
        var parts = jwt?.Split('.');
        if (parts is not { Length: 3 }) return null;
        using var h = new HMACSHA256(Encoding.UTF8.GetBytes(ApiSecret));
        var expected = Convert.ToBase64String(h.ComputeHash(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2]))) return null;
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.Clone();
    }

    private async Task<IResult> TwirpAsync(HttpContext ctx, string service, string method)
    {
        Calls.Enqueue($"{service}/{method}");
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || Verify(auth["Bearer ".Length..]) is null)
        {
            BadAuth.Enqueue($"{service}/{method}");
            return Results.Json(new { code = "unauthenticated", msg = "invalid token" }, statusCode: 401);
        }
        using var body = await JsonDocument.ParseAsync(ctx.Request.Body);
        var req = body.RootElement;
        string? Str(string name) => req.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        switch (method)
        {
            case "ListParticipants":
                return Results.Json(new { participants = InRoom.Keys.Select(i => new { sid = "PA_" + i, identity = i, name = i, state = "ACTIVE" }) });
            case "UpdateParticipant":
            {
                var identity = Str("identity") ?? "";
                if (!InRoom.ContainsKey(identity)) return Results.Json(new { code = "not_found", msg = "participant not found" }, statusCode: 404);
                bool? canPublish = req.TryGetProperty("permission", out var p) && p.ValueKind == JsonValueKind.Object
                    && p.TryGetProperty("canPublish", out var cp) ? cp.GetBoolean() : null;
                Updates.Enqueue(new Update(Str("room") ?? "", identity, canPublish, Str("metadata")));
                return Results.Json(new { sid = "PA_" + identity, identity, permission = new { canPublish = canPublish ?? false, canSubscribe = true } });
            }
            case "CreateIngress":
                return Results.Json(new { ingressId = "IN_" + Guid.NewGuid().ToString("N")[..8], url = "rtmp://127.0.0.1/live",
                    streamKey = "sk_" + Guid.NewGuid().ToString("N"), roomName = Str("roomName"), inputType = "RTMP_INPUT" });
            default:
                return Results.Json(new { });
        }
    }

    private async Task SignalAsync(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest) { ctx.Response.StatusCode = 400; return; }
        SignalTokens.Enqueue(ctx.Request.Query["access_token"].ToString());
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        try
        {
            // Holds the connection open, answering nothing, until the browser gives up or leaves.
            while (socket.State == System.Net.WebSockets.WebSocketState.Open)
            {
                var r = await socket.ReceiveAsync(buffer, ctx.RequestAborted);
                if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException) { }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The app with LiveKit pointed at <see cref="StagePagesFakeLiveKit"/> and a temporary asset store.</summary>
public sealed class StreamPagesApp : ShowgeoApp, IAsyncLifetime
{
    public StagePagesFakeLiveKit LiveKit { get; private set; } = null!;
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "showgeo-stream-" + Guid.NewGuid().ToString("N"));

    public override async Task InitializeAsync()
    {
        LiveKit = await StagePagesFakeLiveKit.StartAsync();
        await base.InitializeAsync();
    }

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        LiveKit.Settings(settings);
        settings["Assets:Root"] = Root;
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await LiveKit.DisposeAsync();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

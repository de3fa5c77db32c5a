using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Infrastructure.Live;

public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>A <c>ping</c> event is written when nothing else was for this long, so proxies keep the stream open.</summary>
    public double HeartbeatSeconds { get; set; } = 20;
    /// <summary>Batched feeds (chat) push a topic at most once per this interval.</summary>
    public int BatchMilliseconds { get; set; } = 100;
    /// <summary>
    /// The most skippable items (chat messages) one connection is pushed per second of a batched topic; a busier room
    /// shows each viewer the newest of every batch. Nobody reads faster, and the stream's cost stays bounded.
    /// </summary>
    public int BusyItemsPerSecond { get; set; } = 30;
    /// <summary>Skippable items per batch: <see cref="BusyItemsPerSecond"/> spread over the batch interval, at least one.</summary>
    public int SkippablePerPush => Math.Max(1, (int)Math.Round(BusyItemsPerSecond * BatchMilliseconds / 1000.0));
    /// <summary>Pushes queued for one connection before it counts as too slow and is dropped.</summary>
    public int ConnectionQueue { get; set; } = 256;
    /// <summary>The reconnect delay the stream asks browsers to use (the SSE <c>retry</c> field).</summary>
    public int RetryMilliseconds { get; set; } = 2000;
    public double ListenRetrySeconds { get; set; } = 2;
    /// <summary>Open streams one account may hold on one instance (tabs); the oldest is closed beyond it.</summary>
    public int StreamsPerUser { get; set; } = 12;
}

public static class LiveSetup
{
    public const string Path = "/live";

    public static WebApplicationBuilder AddShowgeoLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveOptions>().Bind(builder.Configuration.GetSection(LiveOptions.Section));
        builder.Services.AddSingleton<LiveHub>();
        builder.Services.AddSingleton<LiveHtml>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveHub>());
        return builder;
    }

    /// <summary>Registers a feed the stream carries. Feeds are singletons: keep per-request state in subscriptions.</summary>
    public static IServiceCollection AddLiveFeed<TFeed>(this IServiceCollection services) where TFeed : class, ILiveFeed
    {
        services.AddSingleton<TFeed>();
        services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<TFeed>());
        return services;
    }

    public static WebApplication MapShowgeoLive(this WebApplication app)
    {
        app.MapGet(Path, OpenAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> OpenAsync(HttpContext http, LiveHub hub, IOptions<LiveOptions> options, TimeProvider clock)
    {
        var token = http.Request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(token)) token = http.Request.Query["after"].ToString();
        if (!LiveCursor.TryParse(token, out var cursor))
            return TypedResults.Problem(statusCode: 400, title: "That stream position is not one this server wrote.");

        if (!await WaitForListenerAsync(hub, clock, http.RequestAborted))
            return Unavailable(http);

        var userId = Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        var query = http.Request.Query.Where(q => q.Key != "after")
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var viewer = new LiveViewer(http.User, userId, query);

        var subscriptions = new Dictionary<ILiveFeed, ILiveSubscription>();
        try
        {
            foreach (var feed in hub.Feeds)
                if (await feed.SubscribeAsync(viewer, http.RequestAborted) is { } s) subscriptions[feed] = s;
        }
        catch (LiveRequestException ex)
        {
            return TypedResults.Problem(statusCode: 400, title: ex.Message);
        }
        // Nothing to stream: 204 tells EventSource not to reconnect.
        if (subscriptions.Count == 0) return TypedResults.NoContent();

        var o = options.Value;
        var connection = new LiveConnection(userId, subscriptions, cursor, o.ConnectionQueue);
        hub.Register(connection);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, connection.Dropped);
        http.Response.RegisterForDispose(stop);
        http.Response.OnCompleted(() => { hub.Unregister(connection); return Task.CompletedTask; });
        // A client that stopped reading blocks our writes: cut its connection when it is dropped.
        // Disposed with the request, before Kestrel reuses this HttpContext for another one.
        http.Response.RegisterForDispose(connection.Dropped.Register(http.Abort));

        // Registered before replaying: anything committed from here on is pushed, anything before is replayed, and the
        // cursor drops the overlap.
        List<(ILiveFeed, IReadOnlyList<LiveItem>)> replay;
        try
        {
            replay = await ReplayAsync(subscriptions, cursor, stop.Token);
        }
        catch
        {
            hub.Unregister(connection);
            throw;
        }

        return TypedResults.ServerSentEvents(connection.ReadAllAsync(replay, TimeSpan.FromMilliseconds(o.RetryMilliseconds), stop.Token));
    }

    private static async Task<List<(ILiveFeed, IReadOnlyList<LiveItem>)>> ReplayAsync(
        Dictionary<ILiveFeed, ILiveSubscription> subscriptions, LiveCursor cursor, CancellationToken ct)
    {
        const int maxPages = 20;
        var replay = new List<(ILiveFeed, IReadOnlyList<LiveItem>)>();
        foreach (var (feed, subscription) in subscriptions)
        {
            // A feed the tab has no position in starts from now: the page it came from showed the state so far.
            if (cursor[feed.Name] is not { } after) continue;
            var items = new List<LiveItem>();
            for (var page = 0; page < maxPages; page++)
            {
                var batch = await subscription.ReplayAsync(after, ct);
                if (batch.Count == 0) break;
                items.AddRange(batch);
                after = batch[^1].Cursor;
            }
            replay.Add((feed, items));
        }
        return replay;
    }

    private static async Task<bool> WaitForListenerAsync(LiveHub hub, TimeProvider clock, CancellationToken ct)
    {
        for (var i = 0; i < 60 && !hub.Listening; i++) await Task.Delay(TimeSpan.FromMilliseconds(50), clock, ct);
        return hub.Listening;
    }

    private static IResult Unavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: 503, title: "Live updates are unavailable for a moment.");
    }
}

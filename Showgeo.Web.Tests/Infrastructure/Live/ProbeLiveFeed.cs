using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Tests.Infrastructure.Live;

/// <summary>
/// The smallest real feed: items in a table of its own, written the way a feed must (one lock so cursors follow commit
/// order, announced in the same transaction). <c>?probe=a,b</c> subscribes to topics a and b; <c>?probe=!</c> is a
/// malformed request; items whose HTML says "muted" are filtered per viewer.
/// </summary>
public sealed class ProbeLiveFeed(string name, bool batched, NpgsqlDataSource data) : ILiveFeed
{
    public const string Table = "live_probe_items";

    public string Name { get; } = name;
    public bool Batched { get; } = batched;
    public int Loads;

    public Task<ILiveSubscription?> SubscribeAsync(LiveViewer viewer, CancellationToken ct)
    {
        if (viewer.Value(Name) is not { } topics) return Task.FromResult<ILiveSubscription?>(null);
        if (topics == "!") throw new LiveRequestException($"'{Name}' wants topic names.");
        return Task.FromResult<ILiveSubscription?>(new Subscription(this, topics.Split(',')));
    }

    public async Task<IReadOnlyList<LiveItem>> LoadAsync(string topic, long after, long upTo, CancellationToken ct)
    {
        Interlocked.Increment(ref Loads);
        return await ReadAsync([topic], after, upTo, ct);
    }

    private async Task<IReadOnlyList<LiveItem>> ReadAsync(string[] topics, long after, long upTo, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand($"""
            SELECT topic, cursor, html FROM {Table}
            WHERE feed = $1 AND topic = ANY($2) AND cursor > $3 AND cursor <= $4 ORDER BY cursor LIMIT 50
            """);
        cmd.Parameters.AddWithValue(Name);
        cmd.Parameters.AddWithValue(topics);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        var items = new List<LiveItem>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            items.Add(new LiveItem(reader.GetString(0), reader.GetInt64(1), "probe", reader.GetString(2)));
        return items;
    }

    private sealed class Subscription(ProbeLiveFeed feed, string[] topics) : ILiveSubscription
    {
        public IReadOnlyCollection<string> Topics => topics;
        public Task<IReadOnlyList<LiveItem>> ReplayAsync(long after, CancellationToken ct) =>
            feed.ReadAsync(topics, after, long.MaxValue, ct);
        public bool Accepts(LiveItem item) => !item.Html.Contains("muted");
    }

    public static void Register(IWebHostBuilder builder) => builder.ConfigureServices(s =>
    {
        s.AddSingleton<ILiveFeed>(sp => new ProbeLiveFeed("p", false, sp.GetRequiredService<NpgsqlDataSource>()));
        s.AddSingleton<ILiveFeed>(sp => new ProbeLiveFeed("q", true, sp.GetRequiredService<NpgsqlDataSource>()));
    });

    public static async Task CreateTableAsync(ShowgeoApp app)
    {
        await using var db = app.CreateDb();
        await db.Database.ExecuteSqlRawAsync($"""
            CREATE TABLE IF NOT EXISTS {Table} (feed text NOT NULL, topic text NOT NULL, cursor bigint NOT NULL, html text NOT NULL);
            CREATE SEQUENCE IF NOT EXISTS live_probe_cursor;
            """);
    }

    /// <summary>Stores items on <paramref name="topic"/> in one transaction and announces each; returns their cursors.</summary>
    public static async Task<long[]> WriteAsync(ShowgeoApp app, string feed, string topic, params string[] html)
    {
        await using var db = app.CreateDb();
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7701)");
        var cursors = new long[html.Length];
        for (var i = 0; i < html.Length; i++)
        {
            cursors[i] = await db.Database.SqlQueryRaw<long>("SELECT nextval('live_probe_cursor') AS \"Value\"").SingleAsync();
            await db.Database.ExecuteSqlAsync($"INSERT INTO live_probe_items (feed, topic, cursor, html) VALUES ({feed}, {topic}, {cursors[i]}, {html[i]})");
            await db.AnnounceLiveAsync(feed, topic, cursors[i], CancellationToken.None);
        }
        await tx.CommitAsync();
        return cursors;
    }
}

public class ProbeLiveApp : ShowgeoApp
{
    public ProbeLiveApp() { }
    protected ProbeLiveApp(string sharedDatabase) : base(sharedDatabase) { }

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Live:ConnectionQueue"] = "4";
        settings["Live:HeartbeatSeconds"] = "1";
        return Task.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => ProbeLiveFeed.Register(builder);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ProbeLiveFeed.CreateTableAsync(this);
    }
}

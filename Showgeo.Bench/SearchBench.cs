using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Discovery;
using Showgeo.Web.Features.Events;

namespace Showgeo.Bench;

/// <summary>
/// Discovery's text search at the pages harness's scale (its seeded database: 100,000 events), straight through EF Core
/// at a fixed concurrency, with the output cache out of the way: every request is a database round trip. For each kind
/// of search it runs the listing query in two shapes side by side, in alternating phases of the same run so they share
/// the machine's load: "before", the one query that reads cards while it pages in date order, and "after", the page's
/// <see cref="IndexModel.OnePage"/> (ids first, from the date index alone, then the cards). Both take their filters
/// from the page's own parser and filter code. Reports p50/p95 and queries per second per shape, and the average number of matches.
/// </summary>
public sealed class SearchBench(SearchBench.Options options)
{
    public sealed record Options(string ServerConnection, string Database, int Requests, int Concurrency, int Rounds)
    {
        public static Options Parse(string[] args) => new(BenchSupport.ServerConnection(),
            Array.IndexOf(args, "--database") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : "showgeo_bench_pages",
            BenchSupport.IntArg(args, "--requests", 400), BenchSupport.IntArg(args, "--concurrency", 8), BenchSupport.IntArg(args, "--rounds", 2));
    }

    private static readonly string[] Words = ["golden", "midnight", "electric", "velvet", "silver", "wild", "neon", "quiet", "burning", "crystal",
        "lunar", "savage", "gentle", "hollow", "scarlet", "northern", "cosmic", "rusty", "paper", "iron"];
    private static readonly string[] Nouns = ["fox", "tide", "engi", "gard", "rive", "lant", "wolv", "harb", "mach", "pilo",
        "orch", "come", "ghos", "spar", "anch", "mirr", "gian", "embe", "isla", "towe"];

    public async Task<int> RunAsync()
    {
        var cs = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Database = options.Database, MaxPoolSize = 32 }.ConnectionString;
        await using (var probe = new NpgsqlConnection(cs))
        {
            try { await probe.OpenAsync(); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                Console.Error.WriteLine($"Database {options.Database} does not exist: seed it with the pages harness first (or pass --database).");
                return 2;
            }
        }
        // The app's own DbContext configuration; starting it also applies any migration the database lacks.
        await using var app = new BenchApp(cs, new() { ["Scheduling:Enabled"] = "false", ["Outbox:Enabled"] = "false" });
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();

        var today = DateTime.UtcNow.Date;
        var scenarios = new (string Name, Func<Random, string> Query)[]
        {
            ("two words (harness), page 1", r => $"q={Pick(r, Words)}+{Pick(r, Nouns)}"),
            ("two words, page 3", r => $"q={Pick(r, Words)}+{Pick(r, Nouns)}&page=3"),
            ("one word (~5%)", r => $"q={Pick(r, Words)}"),
            ("common prefix (30-100%)", r => $"q={Pick(r, ["n", "s", "g", "t", "v", "h", "night", "venue", "town1"])}"),
            ("common prefix, page 10", r => $"q={Pick(r, ["n", "s", "g", "night", "venue"])}&page=10"),
            ("rare (0-30 matches)", r => $"q={Pick(r, ["zq", "xylo", "venue+1999", "town17+iron+towe", "entit"])}"),
            ("two words + city", r => $"q={Pick(r, Words)}+{Pick(r, Nouns)}&city=Town{r.Next(200)}"),
            ("one word + dates", r => $"q={Pick(r, Words)}&from={today.AddDays(r.Next(0, 30)):yyyy-MM-dd}&to={today.AddDays(r.Next(60, 120)):yyyy-MM-dd}"),
        };

        async Task<List<Guid>> Listing(string query, bool after)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
            var filters = DiscoveryFilters.Parse(new QueryCollection(QueryHelpers(query)));
            var events = IndexModel.ApplyFilters(db.Set<Event>().AsNoTracking().Listed().Upcoming(DateTimeOffset.UtcNow), filters);
            var rows = after
                ? await EventCard.Project(IndexModel.OnePage(db.Set<Event>().AsNoTracking(), events, filters)).ToListAsync()
                : await EventCard.Project(events.OrderBy(e => e.StartsAt).ThenBy(e => e.Id))
                    .Skip((filters.Page - 1) * DiscoveryFilters.PageSize).Take(DiscoveryFilters.PageSize + 1).ToListAsync();
            return rows.ConvertAll(c => c.Id);
        }

        async Task<double> MatchesAsync(Func<Random, string> query)
        {
            var total = 0L;
            var random = new Random(1);
            for (var i = 0; i < 10; i++)
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
                var filters = DiscoveryFilters.Parse(new QueryCollection(QueryHelpers(query(random))));
                total += await IndexModel.ApplyFilters(db.Set<Event>().AsNoTracking().Listed().Upcoming(DateTimeOffset.UtcNow), filters).CountAsync();
            }
            return total / 10.0;
        }

        // The same rows either way, checked before anything is timed.
        foreach (var (name, query) in scenarios)
        {
            var random = new Random(7);
            for (var i = 0; i < 5; i++)
            {
                var q = query(random);
                if (!(await Listing(q, after: false)).SequenceEqual(await Listing(q, after: true)))
                    throw new InvalidOperationException($"{name}: the two shapes return different rows for {q}");
            }
        }

        Console.WriteLine($"database {options.Database}; {options.Requests} requests per shape per round, {options.Rounds} rounds, {options.Concurrency} concurrent; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"{"search",-30} {"matches",8} {"before p50",10} {"p95",7} {"q/s",6} {"after p50",10} {"p95",7} {"q/s",6} {"p95 ÷",6}");
        foreach (var (name, query) in scenarios)
        {
            // The shapes take turns in short phases (before, after, before, after, …): each phase has the machine to
            // itself, so one shape's queries never queue behind the other's, and drift in the machine's other load
            // falls on both alike.
            var (before, after) = (new List<double>(), new List<double>());
            var (beforeRate, afterRate) = (new List<double>(), new List<double>());
            await BenchSupport.LoadAsync(r => Listing(query(r), after: true), Math.Max(20, options.Requests / 10), options.Concurrency); // warm-up
            for (var round = 0; round < options.Rounds; round++)
            {
                var b0 = await BenchSupport.LoadAsync(r => Listing(query(r), after: false), options.Requests, options.Concurrency);
                var a0 = await BenchSupport.LoadAsync(r => Listing(query(r), after: true), options.Requests, options.Concurrency);
                (before, after) = ([.. before, .. b0.LatenciesMs], [.. after, .. a0.LatenciesMs]);
                beforeRate.Add(b0.PerSecond);
                afterRate.Add(a0.PerSecond);
            }
            double[] b = [.. before.Order()], a = [.. after.Order()];
            Console.WriteLine($"{name,-30} {await MatchesAsync(query),8:0} {BenchSupport.Pct(b, 0.5),10:0.0} {BenchSupport.Pct(b, 0.95),7:0.0} {beforeRate.Average(),6:0} "
                + $"{BenchSupport.Pct(a, 0.5),10:0.0} {BenchSupport.Pct(a, 0.95),7:0.0} {afterRate.Average(),6:0} {BenchSupport.Pct(b, 0.95) / BenchSupport.Pct(a, 0.95),6:0.0}");
        }
        Console.WriteLine($"(milliseconds per listing query through EF Core; load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        NpgsqlConnection.ClearAllPools();
        return 0;
    }

    private static string Pick(Random r, string[] from) => from[r.Next(from.Length)];

    private static Dictionary<string, StringValues> QueryHelpers(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
}

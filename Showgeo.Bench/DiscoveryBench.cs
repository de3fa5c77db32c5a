using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Data;

namespace Showgeo.Bench;

/// <summary>
/// Seeds 10,000 entities, 100,000 events and 1,000,000 follows into a fresh database, starts the real app on Kestrel
/// (loopback only) and measures /events throughput and latency for typical filtered queries. Bounded: a fixed number of
/// requests per scenario, then it stops and (unless --keep) drops its database.
/// </summary>
public sealed class DiscoveryBench(DiscoveryBench.Options options)
{
    public sealed record Options(string ServerConnection, int Requests, int Concurrency, bool Keep)
    {
        public static Options Parse(string[] args)
        {
            return new(BenchSupport.ServerConnection(), BenchSupport.IntArg(args, "--requests", 1000),
                BenchSupport.IntArg(args, "--concurrency", 8), args.Contains("--keep"));
        }
    }

    private const string Database = "showgeo_bench";
    private const int Cities = 200;

    public async Task<int> RunAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Pooling = false }.ConnectionString;
        var cs = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Database = Database, MaxPoolSize = 32 }.ConnectionString;
        await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        await BenchSupport.ExecAsync(admin, $"CREATE DATABASE {Database}");
        try
        {
            var sw = Stopwatch.StartNew();
            await using (var source = NpgsqlDataSource.Create(cs))
                await new MigrationRunner(source, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.Embedded());
            Console.WriteLine($"migrated in {sw.Elapsed.TotalSeconds:0.0}s");
            sw.Restart();
            await SeedAsync(cs);
            Console.WriteLine($"seeded 10,000 entities, 100,000 events, 100,000 fans and 1,000,000 follows in {sw.Elapsed.TotalSeconds:0.0}s");

            await using var app = new BenchApp(cs);
            app.UseKestrel(0);
            app.StartServer();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
                .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency }) { BaseAddress = new Uri(address) };

            var today = DateTime.UtcNow.Date;
            string Dates(Random r) => $"&from={today.AddDays(r.Next(0, 30)):yyyy-MM-dd}&to={today.AddDays(r.Next(60, 120)):yyyy-MM-dd}";
            var scenarios = new (string Name, Func<Random, string> Url)[]
            {
                ("city + genre + dates", r => $"/events?city=Town{r.Next(Cities)}&genre={Genres[r.Next(Genres.Length)]}{Dates(r)}"),
                ("text search", r => $"/events?q={Adjectives[r.Next(Adjectives.Length)].ToLowerInvariant()}+{Nouns[r.Next(Nouns.Length)][..4].ToLowerInvariant()}"),
                ("near me, 50 km + genre", r => { var c = r.Next(Cities); var (lat, lng) = CityPoint(c); return $"/events?lat={lat + 0.1:0.####}&lng={lng - 0.1:0.####}&radius=50&genre={Genres[r.Next(Genres.Length)]}"; }),
                ("no filters, page 3", _ => "/events?page=3"),
            };
            Console.WriteLine($"{options.Requests} requests per scenario, {options.Concurrency} concurrent, against {address}");
            Console.WriteLine($"{"scenario",-26} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");
            foreach (var (name, url) in scenarios)
            {
                await LoadAsync(http, url, Math.Max(20, options.Requests / 10), options.Concurrency); // warm-up
                var (rps, lat, errors) = await LoadAsync(http, url, options.Requests, options.Concurrency);
                Console.WriteLine($"{name,-26} {rps,8:0.0} {BenchSupport.Pct(lat, 0.5),8:0.0} {BenchSupport.Pct(lat, 0.95),8:0.0} {BenchSupport.Pct(lat, 0.99),8:0.0} {errors,7}");
            }
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!options.Keep) await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
    }


    private static async Task<(double Rps, double[] LatenciesMs, int Errors)> LoadAsync(HttpClient http, Func<Random, string> url, int total, int concurrency)
    {
        var errors = 0;
        var (latencies, rps) = await BenchSupport.LoadAsync(async random =>
        {
            using var response = await http.GetAsync(url(random));
            await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
        }, total, concurrency);
        return (rps, latencies, errors);
    }

    private static readonly string[] Genres = ["rock", "pop", "jazz", "electronic", "folk", "hip-hop", "classical", "comedy", "metal", "indie"];
    private static readonly string[] Adjectives = ["Golden", "Midnight", "Electric", "Velvet", "Silver", "Wild", "Neon", "Quiet", "Burning", "Crystal", "Lunar", "Savage", "Gentle", "Hollow", "Scarlet", "Northern", "Cosmic", "Rusty", "Paper", "Iron"];
    private static readonly string[] Nouns = ["Foxes", "Tides", "Engines", "Gardens", "Rivers", "Lanterns", "Wolves", "Harbours", "Machines", "Pilots", "Orchards", "Comets", "Ghosts", "Sparrows", "Anchors", "Mirrors", "Giants", "Embers", "Islands", "Towers"];

    /// <summary>A 20 × 10 grid over Europe, about 130 km apart, so a 50 km radius catches one city's events.</summary>
    private static (double Lat, double Lng) CityPoint(int c) => (38 + c % 20 * 1.2, -8 + c / 20 * 2.6);

    private static string SqlArray(string[] words) => "ARRAY[" + string.Join(",", words.Select(w => $"'{w}'")) + "]";

    internal static async Task SeedAsync(string cs)
    {
        var adj = SqlArray(Adjectives);
        var noun = SqlArray(Nouns);
        var genres = SqlArray(Genres);
        var cityLat = string.Join(",", Enumerable.Range(0, Cities).Select(c => CityPoint(c).Lat.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var cityLng = string.Join(",", Enumerable.Range(0, Cities).Select(c => CityPoint(c).Lng.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await BenchSupport.ExecAsync(cs, $"""
            INSERT INTO users (id, display_name, created_at, user_name, normalized_user_name, email_confirmed,
                               phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT md5('u' || g)::uuid, 'Fan ' || g, now(), 'fan' || g, 'FAN' || g, false, false, false, false, 0
            FROM generate_series(1, 100000) g;

            INSERT INTO entities (id, slug, name, kind, bio, genres, links, city, country, is_verified, follower_count, created_at)
            SELECT md5('e' || g)::uuid, 'entity-' || g,
                   ({adj})[1 + g % 20] || ' ' || ({noun})[1 + (g / 20) % 20] || ' ' || g,
                   'Artist', '', ARRAY[({genres})[1 + g % 10]], ARRAY[]::text[], 'Town' || (g % {Cities}), 'GB', g % 10 = 0, 0, now()
            FROM generate_series(1, 10000) g;

            INSERT INTO events (id, entity_id, slug, title, description, starts_at, ends_at, time_zone, venue_name, city,
                                country, latitude, longitude, is_online, genres, visibility, phase, created_at)
            SELECT md5('v' || g)::uuid, md5('e' || (1 + g % 10000))::uuid, 'event-' || g,
                   ({adj})[1 + (g * 7) % 20] || ' ' || ({noun})[1 + (g * 13) % 20] || ' Night',
                   '', s, s + interval '3 hours', 'UTC', 'Venue ' || (g % 2000) || ' Hall', 'Town' || c, 'GB',
                   (ARRAY[{cityLat}])[1 + c] + ((g * 17) % 100 - 50) / 500.0,
                   (ARRAY[{cityLng}])[1 + c] + ((g * 23) % 100 - 50) / 300.0,
                   false, ARRAY[({genres})[1 + g % 10], ({genres})[1 + (g / 10) % 10]],
                   CASE WHEN g % 20 = 0 THEN 'Unlisted' ELSE 'Public' END,
                   CASE WHEN s < now() THEN 'Post' ELSE 'Pre' END, now()
            FROM (SELECT g, (g * 31) % {Cities} AS c,
                         date_trunc('hour', now()) + (((g * 7919) % 545) - 180) * interval '1 day' + (g % 12) * interval '1 hour' AS s
                  FROM generate_series(1, 100000) g) x;

            INSERT INTO follows (user_id, entity_id, created_at)
            SELECT md5('u' || u)::uuid, md5('e' || (1 + (u * 7 + k * 1009) % 10000))::uuid, now() - (u % 1000) * interval '1 minute'
            FROM generate_series(1, 100000) u, generate_series(0, 9) k;

            UPDATE entities e SET follower_count = f.n
            FROM (SELECT entity_id, count(*) AS n FROM follows GROUP BY entity_id) f
            WHERE f.entity_id = e.id;

            ANALYZE;
            """);
    }
}

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Data;

namespace Showgeo.Bench;

/// <summary>
/// Page views against the raw-database ceiling. Seeds the discovery-scale data set (10,000 entities, 100,000 events,
/// 1,000,000 follows) plus tours, ticket types and RSVPs, starts the app in Production on Kestrel and, in the same
/// process, a baseline endpoint in the shape of TechEmpower's "fortunes" test (one raw Npgsql query of 12 rows written
/// as HTML; https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview).
/// An external load generator, wrk, drives both in interleaved rounds, so its own cost stays out of this process.
/// For each page it reports req/s, p50/p99, the app's and PostgreSQL's CPU per request (from /proc), EF queries per
/// request, and the ratio to the baseline measured in the same round.
/// </summary>
public sealed class PagesBench(PagesBench.Options options)
{
    public sealed record Options(string ServerConnection, int Seconds, int Rounds, int Connections, bool Reuse, bool Keep, string? Only)
    {
        public static Options Parse(string[] args) => new(BenchSupport.ServerConnection(),
            BenchSupport.IntArg(args, "--seconds", 5), BenchSupport.IntArg(args, "--rounds", 3),
            BenchSupport.IntArg(args, "--connections", 64), args.Contains("--reuse"), args.Contains("--keep") || args.Contains("--reuse"),
            Array.IndexOf(args, "--only") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null);
    }

    private const string Database = "showgeo_bench_pages";

    private sealed record Scenario(string Name, IReadOnlyList<string> Paths, bool SignedIn, bool Baseline = false);

    private sealed record Run(double Rps, double P50Ms, double P99Ms, double AppUs, double PgUs, double Queries, long Requests, long Errors);

    public async Task<int> RunAsync()
    {
        if (Wrk() is not { } wrk)
        {
            Console.Error.WriteLine("The pages harness drives the app with wrk, which is not installed. Install it with: apt-get install -y wrk");
            return 2;
        }
        var admin = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Pooling = false }.ConnectionString;
        var cs = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Database = Database, MaxPoolSize = 64 }.ConnectionString;
        if (!options.Reuse || !await SeededAsync(admin, cs))
        {
            await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
            await BenchSupport.ExecAsync(admin, $"CREATE DATABASE {Database}");
            var sw = Stopwatch.StartNew();
            await using (var source = NpgsqlDataSource.Create(cs))
                await new MigrationRunner(source, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.Embedded());
            await DiscoveryBench.SeedAsync(cs);
            await SeedPagesAsync(cs);
            Console.WriteLine($"migrated and seeded in {sw.Elapsed.TotalSeconds:0} s");
        }
        try
        {
            var queries = new QueryCounter();
            await using var app = new BenchApp(cs, services: s => s.ConfigureDbContext<ShowgeoDb>(o => o.AddInterceptors(queries)));
            app.UseKestrel(0);
            app.StartServer();
            var appUrl = Address(app.Services);
            await using var baseline = await StartBaselineAsync(cs);
            var baselineUrl = baseline.Urls.First();

            var scenarios = await ScenariosAsync(cs);
            if (options.Only is { } only) scenarios = scenarios.Where(s => s.Baseline || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
            Console.WriteLine($"wrk: {options.Connections} connections, 2 threads, {options.Seconds} s per page, {options.Rounds} interleaved rounds; app {appUrl}, baseline {baselineUrl}");

            var results = scenarios.ToDictionary(s => s.Name, _ => new List<(Run Run, double Ratio)>());
            using var self = Process.GetCurrentProcess();
            for (var round = 1; round <= options.Rounds; round++)
            {
                Run? roundBaseline = null;
                foreach (var scenario in scenarios)
                {
                    // A fresh cookie per run: wrk never stores the renewed one, and a cookie older than the security-stamp
                    // interval would make every request of the run re-check it, which no browser does.
                    var cookie = scenario.SignedIn ? await CookieAsync(app.Services, new Uri(appUrl)) : null;
                    var url = scenario.Baseline ? baselineUrl : appUrl;
                    await WrkAsync(wrk, url, scenario.Paths, cookie, seconds: 1); // warm-up
                    var run = await MeasureAsync(wrk, url, scenario, cookie, queries);
                    if (scenario.Baseline) roundBaseline = run;
                    results[scenario.Name].Add((run, run.Rps / roundBaseline!.Rps));
                }
                self.Refresh();
                Console.WriteLine($"round {round}: working set {self.WorkingSet64 / 1048576.0:0} MB, managed heap {GC.GetTotalMemory(false) / 1048576.0:0} MB");
            }

            Console.WriteLine();
            Console.WriteLine($"{"page",-34} {"req/s",8} {"÷ raw",6} {"p50 ms",7} {"p99 ms",7} {"app µs",7} {"PG µs",7} {"queries",7} {"errors",6}");
            foreach (var scenario in scenarios)
            {
                var runs = results[scenario.Name];
                double Median(Func<(Run Run, double Ratio), double> f) => runs.Select(f).Order().ElementAt(runs.Count / 2);
                Console.WriteLine($"{scenario.Name,-34} {Median(r => r.Run.Rps),8:0} {Median(r => r.Ratio),6:0.00} {Median(r => r.Run.P50Ms),7:0.00} {Median(r => r.Run.P99Ms),7:0.00} "
                    + $"{Median(r => r.Run.AppUs),7:0} {Median(r => r.Run.PgUs),7:0} {(scenario.Baseline ? "1" : Median(r => r.Run.Queries).ToString("0.0", CultureInfo.InvariantCulture)),7} {runs.Sum(r => r.Run.Errors),6}");
            }
            Console.WriteLine("(medians over the rounds; ÷ raw is req/s over the baseline's in the same round; app µs includes nothing of wrk, which runs outside this process)");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!options.Keep) await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
    }

    private async Task<Run> MeasureAsync(string wrk, string url, Scenario scenario, string? cookie, QueryCounter queries)
    {
        var queries0 = queries.Count;
        var cpu0 = CpuSample.Now();
        var output = await WrkAsync(wrk, url, scenario.Paths, cookie, options.Seconds);
        var cpu = CpuSample.Now() - cpu0;
        var requests = long.Parse(Regex.Match(output, @"(\d+) requests in").Groups[1].Value, CultureInfo.InvariantCulture);
        var errorMatch = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)");
        var socketErrors = Regex.Match(output, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
        var errors = (errorMatch.Success ? long.Parse(errorMatch.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
            + (socketErrors.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(socketErrors.Groups[g].Value, CultureInfo.InvariantCulture)) : 0);
        var n = Math.Max(1, requests);
        return new Run(
            double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture),
            Latency(output, "50%"), Latency(output, "99%"),
            cpu.App.TotalMicroseconds / n, cpu.Postgres.TotalMicroseconds / n, (double)(queries.Count - queries0) / n, requests, errors);
    }

    /// <summary>wrk's "--latency" line for a percentile, in milliseconds (it prints us, ms or s).</summary>
    private static double Latency(string output, string percentile)
    {
        var m = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success) return double.NaN;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private async Task<string> WrkAsync(string wrk, string url, IReadOnlyList<string> paths, string? cookie, int seconds)
    {
        // Each request takes a path at random from the scenario's list (wrk's Lua hooks: https://github.com/wg/wrk/blob/master/SCRIPTING).
        var script = Path.Combine(Path.GetTempPath(), $"showgeo-pages-{Guid.NewGuid():N}.lua");
        var lua = new StringBuilder("local paths = {\n");
        foreach (var p in paths) lua.Append("  \"").Append(p.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\",\n");
        lua.Append("}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(\"GET\", paths[(n % #paths) + 1])\nend\n");
        await File.WriteAllTextAsync(script, lua.ToString());
        try
        {
            var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-t2", $"-c{options.Connections}", $"-d{seconds}s", "--latency", "-s", script }) start.ArgumentList.Add(a);
            if (cookie is not null) { start.ArgumentList.Add("-H"); start.ArgumentList.Add("Cookie: " + cookie); }
            start.ArgumentList.Add(url.TrimEnd('/'));
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {error}{output}");
            return output;
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string? Wrk() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);

    private static string Address(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1");

    private static async Task<bool> SeededAsync(string admin, string cs)
    {
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{Database}'", conn);
        if (await exists.ExecuteScalarAsync() is null) return false;
        await using var db = new NpgsqlConnection(cs);
        await db.OpenAsync();
        await using var marker = new NpgsqlCommand("SELECT to_regclass('bench_fortunes') IS NOT NULL", db);
        return await marker.ExecuteScalarAsync() is true;
    }

    /// <summary>Tours (2,000 of five events each), ticket types on a third of the events, 200,000 RSVPs, and the baseline's 12 fortunes.</summary>
    private static Task SeedPagesAsync(string cs) => BenchSupport.ExecAsync(cs, """
        INSERT INTO tours (id, entity_id, slug, name, description, created_at)
        SELECT md5('t' || g)::uuid, md5('e' || (1 + g % 10000))::uuid, 'tour-' || g, 'Tour ' || g, 'Five nights across the country.', now()
        FROM generate_series(1, 2000) g;
        -- Events whose entity owns the tour: event g belongs to entity 1 + g % 10000; tour t to entity 1 + t % 10000.
        UPDATE events e SET tour_id = md5('t' || t.g)::uuid
        FROM (SELECT g, 1 + g % 10000 AS entity FROM generate_series(1, 2000) g) t
        WHERE e.entity_id = md5('e' || t.entity)::uuid AND e.slug IN (SELECT 'event-' || (t.entity - 1 + k * 10000) FROM generate_series(0, 4) k);

        INSERT INTO ticket_types (id, event_id, name, price_minor, currency, capacity, sold, held, max_per_order, created_at)
        SELECT md5('tt' || g || '-' || k)::uuid, md5('v' || g)::uuid, (ARRAY['Standing', 'Seated'])[k], 1500 + k * 1000, 'GBP', 500, (g * k) % 400, 0, 4, now()
        FROM generate_series(3, 100000, 3) g, generate_series(1, 2) k;

        INSERT INTO rsvps (event_id, user_id, status, created_at)
        SELECT DISTINCT ON (e, u) md5('v' || e)::uuid, md5('u' || u)::uuid, CASE WHEN (e + u) % 3 = 0 THEN 'Interested' ELSE 'Going' END, now()
        FROM (SELECT 1 + (g * 7) % 100000 AS e, 1 + (g * 13) % 100000 AS u FROM generate_series(1, 200000) g) x
        WHERE e % 3 <> 0;

        CREATE TABLE bench_fortunes (id integer PRIMARY KEY, message text NOT NULL);
        INSERT INTO bench_fortunes VALUES
            (1, 'fortune: No such file or directory'), (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
            (3, 'After enough decimal places, nobody gives a damn.'), (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
            (5, 'A computer program does what you tell it to do, not what you want it to do.'),
            (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
            (7, 'Any program that runs right is obsolete.'), (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
            (9, 'Feature: A bug with seniority.'), (10, 'Computers make very fast, very accurate mistakes.'),
            (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
            (12, 'フレームワークのベンチマーク');
        ANALYZE;
        """);

    /// <summary>The pages and their paths: 100 of each kind of page, picked from the seeded data, so caches see variety.</summary>
    private static async Task<List<Scenario>> ScenariosAsync(string cs)
    {
        async Task<List<string>> SlugsAsync(string sql)
        {
            var list = new List<string>();
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) list.Add(reader.GetString(0));
            return list;
        }
        var events = (await SlugsAsync("SELECT slug FROM events WHERE tour_id IS NOT NULL AND phase = 'Pre' AND visibility = 'Public' ORDER BY slug LIMIT 100"))
            .Select(s => "/events/" + s).ToList();
        var entities = (await SlugsAsync("SELECT slug FROM entities ORDER BY follower_count DESC, slug LIMIT 100")).Select(s => "/e/" + s).ToList();
        var tours = (await SlugsAsync("SELECT slug FROM tours ORDER BY slug LIMIT 100")).Select(s => "/tours/" + s).ToList();
        var cities = Enumerable.Range(0, 100).Select(c => $"/events?city=Town{c * 2}").ToList();
        string[] words = ["golden", "midnight", "electric", "velvet", "silver", "wild", "neon", "quiet", "burning", "crystal"];
        string[] nouns = ["fox", "tide", "engi", "gard", "rive", "lant", "wolv", "harb", "mach", "pilo"];
        var searches = words.SelectMany(w => nouns.Select(n => $"/events?q={w}+{n}")).ToList();
        return
        [
            new("raw one-query page (baseline)", ["/fortunes"], false, Baseline: true),
            new("event page, anonymous", events, false),
            new("event page, signed in", events, true),
            new("entity page, anonymous", entities, false),
            new("entity page, signed in", entities, true),
            new("tour page, anonymous", tours, false),
            new("tour page, signed in", tours, true),
            new("home, anonymous", ["/"], false),
            new("home, signed in", ["/"], true),
            new("discovery city, anonymous", cities, false),
            new("discovery city, signed in", cities, true),
            new("discovery text search, anonymous", searches, false),
        ];
    }

    /// <summary>A signed-in fan who follows 30 entities and has RSVPs: their auth cookie, as the browser would send it.</summary>
    private static async Task<string> CookieAsync(IServiceProvider services, Uri baseAddress)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        const string email = "pages-bench@bench.local";
        if (await users.FindByEmailAsync(email) is not { } user)
        {
            user = new AppUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, DisplayName = "Bench Fan", CreatedAt = DateTimeOffset.UtcNow };
            var created = await users.CreateAsync(user, "bench-password-1A!");
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO follows (user_id, entity_id, created_at)
                SELECT {user.Id}, id, now() FROM entities ORDER BY follower_count DESC, slug LIMIT 30 ON CONFLICT DO NOTHING;
                INSERT INTO rsvps (event_id, user_id, status, created_at)
                SELECT id, {user.Id}, 'Going', now() FROM events WHERE tour_id IS NOT NULL AND phase = 'Pre' ORDER BY slug LIMIT 20 ON CONFLICT DO NOTHING;
                """);
        }
        var jar = await BenchCookies.SignInAsync(scope.ServiceProvider, user, baseAddress);
        return string.Join("; ", jar.GetCookies(baseAddress).Select(c => $"{c.Name}={c.Value}"));
    }

    /// <summary>The baseline: its own tiny app in this process, never part of Showgeo.</summary>
    private static async Task<WebApplication> StartBaselineAsync(string cs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var source = NpgsqlDataSource.Create(cs);
        var web = builder.Build();
        web.MapGet("/fortunes", async (HttpContext context) =>
        {
            var fortunes = new List<(int Id, string Message)>(13);
            await using (var cmd = source.CreateCommand("SELECT id, message FROM bench_fortunes"))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) fortunes.Add((reader.GetInt32(0), reader.GetString(1)));
            fortunes.Add((0, "Additional fortune added at request time."));
            fortunes.Sort((a, b) => string.CompareOrdinal(a.Message, b.Message));
            var html = new StringBuilder("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>");
            foreach (var (id, message) in fortunes)
                html.Append("<tr><td>").Append(id).Append("</td><td>").Append(HtmlEncoder.Default.Encode(message)).Append("</td></tr>");
            html.Append("</table></body></html>");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html.ToString());
        });
        web.Lifetime.ApplicationStopped.Register(source.Dispose);
        await web.StartAsync();
        return web;
    }
}

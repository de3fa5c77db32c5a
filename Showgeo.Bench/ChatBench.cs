using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Infrastructure.Live;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Chat;

namespace Showgeo.Bench;

/// <summary>
/// One busy chat room: N anonymous viewers hold the real /live stream of one live event open over loopback while
/// messages are posted through the chat service (the same path a post takes after its HTTP form is read: access rule,
/// the database rate limit, the room lock, NOTIFY) at a fixed rate for a fixed time. A sample of the viewers parses
/// every push and measures post-to-delivery latency from the send time carried in each message; the rest only drain
/// their bytes. The viewers run in a child process (<see cref="ViewerFleet"/>), so the memory and CPU reported are the
/// server's. Bounded: it stops after --seconds and drops its database unless --keep.
/// </summary>
public sealed class ChatBench(ChatBench.Options options)
{
    public sealed record Options(string ServerConnection, int Viewers, int Rate, int Seconds, int Probes, int Posters, bool Keep,
        int BusyItemsPerSecond)
    {
        public static Options Parse(string[] args) => new(BenchSupport.ServerConnection(),
            BenchSupport.IntArg(args, "--viewers", 5000), BenchSupport.IntArg(args, "--rate", 500),
            BenchSupport.IntArg(args, "--seconds", 10), BenchSupport.IntArg(args, "--probes", 200),
            // 3 messages per 2 s per person: 400 people cover 500/s with room to spare.
            BenchSupport.IntArg(args, "--posters", 400), args.Contains("--keep"),
            // Live:BusyItemsPerSecond; a large value turns thinning off, to compare.
            BenchSupport.IntArg(args, "--busy-items-per-second", 30));
    }

    private const string Database = "showgeo_bench_chat";

    public async Task<int> RunAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Pooling = false }.ConnectionString;
        var cs = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Database = Database, MaxPoolSize = 40 }.ConnectionString;
        await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        await BenchSupport.ExecAsync(admin, $"CREATE DATABASE {Database}");
        try
        {
            await using (var source = NpgsqlDataSource.Create(cs))
                await new MigrationRunner(source, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.Embedded());
            var eventId = Guid.NewGuid();
            await BenchSupport.ExecAsync(cs, $"""
                INSERT INTO users (id, display_name, created_at, user_name, normalized_user_name, email_confirmed,
                                   phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                SELECT md5('p' || g)::uuid, 'Poster ' || g, now(), 'poster' || g, 'POSTER' || g, false, false, false, false, 0
                FROM generate_series(1, {options.Posters}) g;
                INSERT INTO entities (id, slug, name, kind, bio, genres, links, is_verified, follower_count, created_at)
                VALUES ('{Guid.NewGuid()}', 'bench-artist', 'Bench Artist', 'Artist', '', ARRAY[]::text[], ARRAY[]::text[], true, 0, now());
                INSERT INTO events (id, entity_id, slug, title, description, starts_at, ends_at, time_zone, is_online, genres,
                                    visibility, phase, created_at)
                SELECT '{eventId}', id, 'bench-live', 'Bench Live', '', now(), now() + interval '3 hours', 'UTC', true, ARRAY[]::text[],
                       'Public', 'Live', now() FROM entities;
                """);
            var posters = Enumerable.Range(1, options.Posters).Select(g => PosterId(g)).ToArray();

            await using var app = new BenchApp(cs, new() { ["Live:BusyItemsPerSecond"] = options.BusyItemsPerSecond.ToString(CultureInfo.InvariantCulture) });
            app.UseKestrel(0);
            app.StartServer();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
                .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1");
            var hub = app.Services.GetRequiredService<LiveHub>();
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var memoryBefore = Process.GetCurrentProcess().WorkingSet64;
            var gcBefore = GC.GetTotalMemory(forceFullCollection: true);
            var sw = Stopwatch.StartNew();
            Console.WriteLine($"opening {options.Viewers} viewers ({options.Probes} sampled) on room {eventId}, from a separate process");
            await using var fleet = await ViewerFleet.StartAsync(new Uri(new Uri(address), $"/live?room={eventId}&after=c0"), options.Viewers, options.Probes);
            while (hub.ConnectionCount < fleet.Connected && sw.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
            var connected = hub.ConnectionCount;
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var memoryHeld = Process.GetCurrentProcess().WorkingSet64 - memoryBefore;
            var gcHeld = GC.GetTotalMemory(forceFullCollection: true) - gcBefore;
            Console.WriteLine($"{connected} viewers connected ({fleet.Failed} failed) in {sw.Elapsed.TotalSeconds:0.0}s; server only: " +
                $"working set +{memoryHeld / 1024.0 / Math.Max(1, connected):0.0} KB and managed heap +{gcHeld / 1024.0 / Math.Max(1, connected):0.0} KB per connection");

            Console.WriteLine($"posting {options.Rate} messages/s for {options.Seconds}s from {options.Posters} people");
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var total = options.Rate * options.Seconds;
            var posted = 0;
            var postErrors = 0;
            var postLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            using (var gate = new SemaphoreSlim(32))
            {
                var started = Stopwatch.GetTimestamp();
                var inFlight = new List<Task>();
                for (var n = 0; n < total; n++)
                {
                    // Bounded: a server that cannot keep up stops the run at three times its planned length.
                    if (wall.Elapsed > TimeSpan.FromSeconds(options.Seconds * 3)) break;
                    // Paced against the clock, not against completions: a slow server shows up as latency, not as a lower rate.
                    var due = TimeSpan.FromSeconds((double)n / options.Rate);
                    var wait = due - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                    var seq = n;
                    await gate.WaitAsync();
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            var t0 = Stopwatch.GetTimestamp();
                            await using var scope = app.Services.CreateAsyncScope();
                            var chat = scope.ServiceProvider.GetRequiredService<ChatService>();
                            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, posters[seq % posters.Length].ToString())], "bench"));
                            var context = await chat.ByIdAsync(eventId, user, CancellationToken.None);
                            var outcome = await chat.PostAsync(context!, $"bench {seq} t{Stopwatch.GetTimestamp()}", CancellationToken.None);
                            if (outcome.Succeeded) Interlocked.Increment(ref posted); else Interlocked.Increment(ref postErrors);
                            postLatencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                        }
                        catch (Exception) { Interlocked.Increment(ref postErrors); }
                        finally { gate.Release(); }
                    }));
                }
                await Task.WhenAll(inFlight);
            }
            var postingTook = wall.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(3));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var window = wall.Elapsed;
            var report = await fleet.ReportAsync();
            var sorted = report.Latencies;
            var posts = postLatencies.ToArray();
            Array.Sort(posts);
            Console.WriteLine($"posted {posted} messages ({postErrors} refused or failed) in {postingTook.TotalSeconds:0.0}s = {posted / postingTook.TotalSeconds:0} msg/s " +
                $"(target {options.Rate}/s); post p50 {BenchSupport.Pct(posts, 0.5):0.0} ms, p99 {BenchSupport.Pct(posts, 0.99):0.0} ms");
            var expected = (long)posted * Math.Min(options.Probes, connected);
            Console.WriteLine($"delivery to {Math.Min(options.Probes, connected)} sampled viewers: {sorted.Length} deliveries of {expected} posted " +
                $"({100.0 * sorted.Length / Math.Max(1, expected):0.0}%; a batch over Live:BusyItemsPerSecond shows each viewer its newest), p50 {BenchSupport.Pct(sorted, 0.5):0.0} ms, p99 {BenchSupport.Pct(sorted, 0.99):0.0} ms, max {(sorted.Length > 0 ? sorted[^1] : 0):0.0} ms");
            Console.WriteLine($"received {report.Bytes / 1024.0 / 1024.0:0.0} MB over all viewers; viewers dropped during the run: {report.Ended}");
            Console.WriteLine($"server CPU (the app and the posting calls into it; the viewers run in their own process): {cpu.TotalSeconds:0.0}s over {window.TotalSeconds:0.0}s = " +
                $"{cpu.TotalSeconds / window.TotalSeconds * 100:0}% of one core ({Environment.ProcessorCount} cores)");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!options.Keep) await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
    }

    /// <summary>PostgreSQL's md5('p' || g)::uuid: the hash's hex digits read in order.</summary>
    private static Guid PosterId(int g) =>
        Guid.ParseExact(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes("p" + g))), "N");
}

using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Bench;

/// <summary>
/// Opens N live streams (default 5,000), each signed in as a different follower of one entity, on the real app over
/// Kestrel, then moves the entity's event to LIVE and measures go-live (the manager's change committed) → toast read
/// on every stream: p50/p99/max. The streams are read by a child process (<see cref="ViewerFleet"/>), so the memory
/// growth reported per open stream is the server's alone. Also reports a follower's inbox and unread-count query
/// times with N followers behind the broadcast.
/// </summary>
public sealed class LiveBench(LiveBench.Options options)
{
    public sealed record Options(string ServerConnection, int Connections, int OpenConcurrency)
    {
        public static Options Parse(string[] args) =>
            new(BenchSupport.ServerConnection(), BenchSupport.IntArg(args, "--connections", 5000), BenchSupport.IntArg(args, "--open-concurrency", 64));
    }

    private const string Database = "showgeo_bench_live";

    public async Task<int> RunAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Pooling = false }.ConnectionString;
        var cs = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Database = Database, MaxPoolSize = 50 }.ConnectionString;
        await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        await BenchSupport.ExecAsync(admin, $"CREATE DATABASE {Database}");
        try
        {
            await using (var source = NpgsqlDataSource.Create(cs))
                await new MigrationRunner(source, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.Embedded());
            var (eventId, warmupId, managerId, entityId) = await ArrangeAsync(cs, options.Connections);
            await using var app = new BenchApp(cs, new() { ["Live:StreamsPerUser"] = "12" });
            app.UseKestrel(0);
            app.StartServer();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
                .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
            Console.WriteLine($"live: {options.Connections} follower streams, {Environment.ProcessorCount} cores, the streams read by a separate process");

            var cookies = await CookiesAsync(app.Services, cs);
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var heapBefore = GC.GetTotalMemory(true);
            var wsBefore = Process.GetCurrentProcess().WorkingSet64;
            var hub = app.Services.GetRequiredService<LiveHub>();
            var opened = Stopwatch.StartNew();
            await using var fleet = await ViewerFleet.StartAsync(new Uri(address, LiveSetup.Path), cookies.Count, probes: 0, cookies,
                marks: ["Bench Warm-up Show", "Bench Live Show"], options.OpenConcurrency);
            while (hub.ConnectionCount < fleet.Connected && opened.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
            var held = hub.ConnectionCount;
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            var heapAfter = GC.GetTotalMemory(true);
            var wsAfter = Process.GetCurrentProcess().WorkingSet64;
            Console.WriteLine($"opened {held} streams in {opened.Elapsed.TotalSeconds:0.0} s ({fleet.Failed} refused); server memory per stream " +
                              $"(the viewers run in their own process): managed heap {(heapAfter - heapBefore) / (double)Math.Max(1, held) / 1024:0.0} KB, " +
                              $"working set {(wsAfter - wsBefore) / (double)Math.Max(1, held) / 1024:0.0} KB");

            await Task.Delay(1000);
            var lifecycle = app.Services.CreateScope().ServiceProvider.GetRequiredService<EventLifecycle>();
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, managerId.ToString())], "bench"));
            // A first go-live warms the path (JIT, Razor, pools); it is reported, then the second one is measured.
            var warm0 = Stopwatch.GetTimestamp();
            if (!(await lifecycle.ChangeAsync(warmupId, EventPhase.Pre, EventPhase.Live, principal, null, CancellationToken.None)).Succeeded)
                throw new InvalidOperationException("warm-up go-live failed");
            var warmCommitted = Stopwatch.GetTimestamp();
            var cold = (await ArrivalsAsync(fleet, 0, held)).Select(a => Stopwatch.GetElapsedTime(warmCommitted, a).TotalMilliseconds).Order().ToArray();
            Console.WriteLine($"cold go-live (first after start, request {Stopwatch.GetElapsedTime(warm0, warmCommitted).TotalMilliseconds:0} ms) → toast on {cold.Length} of {held}: " +
                              $"p50 {BenchSupport.Pct(cold, 0.50):0} ms, p99 {BenchSupport.Pct(cold, 0.99):0} ms");
            await Task.Delay(2000);
            var request0 = Stopwatch.GetTimestamp();
            var result = await lifecycle.ChangeAsync(eventId, EventPhase.Pre, EventPhase.Live, principal, null, CancellationToken.None);
            var committed = Stopwatch.GetTimestamp();
            var committedAt = DateTimeOffset.UtcNow;
            if (!result.Succeeded) throw new InvalidOperationException(result.Error);
            Console.WriteLine($"go-live request (phase change + outbox row): {Stopwatch.GetElapsedTime(request0, committed).TotalMilliseconds:0.0} ms");

            var latencies = (await ArrivalsAsync(fleet, 1, held)).Select(a => Stopwatch.GetElapsedTime(committed, a).TotalMilliseconds).Order().ToArray();
            Console.WriteLine($"go-live → toast on {latencies.Length} of {held} streams: p50 {BenchSupport.Pct(latencies, 0.50):0} ms, p99 {BenchSupport.Pct(latencies, 0.99):0} ms, max {latencies[^1]:0} ms");
            await using (var conn = new NpgsqlConnection(cs))
            {
                // Where the time goes: the outbox hands the phase change to the notice handler, which stores the broadcast.
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT created_at FROM notifications WHERE source_key = $1", conn);
                cmd.Parameters.AddWithValue($"phase:{eventId}:Live");
                if (await cmd.ExecuteScalarAsync() is DateTime stored)
                    Console.WriteLine($"  of which commit → notice stored by the outbox handler: {(new DateTimeOffset(stored, TimeSpan.Zero) - committedAt).TotalMilliseconds:0} ms");
            }

            await InboxTimesAsync(app.Services, cs, entityId);
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
    }

    /// <summary>The arrival times of mark <paramref name="mark"/>, once every stream has it or a minute has passed.</summary>
    private static async Task<long[]> ArrivalsAsync(ViewerFleet fleet, int mark, int streams)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var arrivals = (await fleet.ReportAsync()).Marks[mark];
            if (arrivals.Length >= streams || DateTime.UtcNow > deadline) return arrivals;
            await Task.Delay(250);
        }
    }

    /// <summary>One entity with an event in Pre, its owner, and N followers (written in bulk, as the tests do).</summary>
    private static async Task<(Guid Event, Guid Warmup, Guid Manager, Guid Entity)> ArrangeAsync(string cs, int followers)
    {
        var warmup = Guid.NewGuid();
        var manager = Guid.NewGuid();
        var entity = Guid.NewGuid();
        var ev = Guid.NewGuid();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO users (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                               security_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT CASE WHEN i = 0 THEN @manager ELSE gen_random_uuid() END, 'Fan ' || i, now() - interval '1 day', 'bench' || i || '@example.com',
                   'BENCH' || i || '@EXAMPLE.COM', 'bench' || i || '@example.com', 'BENCH' || i || '@EXAMPLE.COM', true,
                   md5(i::text), false, false, true, 0
            FROM generate_series(0, @n) AS i;
            INSERT INTO entities (id, slug, name, kind, bio, genres, links, is_verified, follower_count, created_at)
            VALUES (@entity, 'bench-live', 'Bench Live', 'Artist', '', '{}', '{}', true, @n, now());
            INSERT INTO entity_members (entity_id, user_id, role, added_at) VALUES (@entity, @manager, 'Owner', now());
            INSERT INTO events (id, entity_id, slug, title, description, starts_at, ends_at, time_zone, is_online, is_prerecorded, is_free,
                                allowed_countries, genres, visibility, phase, created_at)
            VALUES (@event, @entity, 'bench-live-show', 'Bench Live Show', '', now() + interval '1 hour', now() + interval '4 hours', 'UTC',
                    true, false, true, '{}', '{}', 'Public', 'Pre', now()),
                   (@warmup, @entity, 'bench-warmup-show', 'Bench Warm-up Show', '', now() + interval '1 hour', now() + interval '4 hours', 'UTC',
                    true, false, true, '{}', '{}', 'Public', 'Pre', now());
            INSERT INTO follows (user_id, entity_id, created_at)
            SELECT id, @entity, now() - interval '1 hour' FROM users WHERE id <> @manager;
            ANALYZE;
            """, conn) { CommandTimeout = 600 };
        cmd.Parameters.AddWithValue("n", followers);
        cmd.Parameters.AddWithValue("manager", manager);
        cmd.Parameters.AddWithValue("entity", entity);
        cmd.Parameters.AddWithValue("event", ev);
        cmd.Parameters.AddWithValue("warmup", warmup);
        await cmd.ExecuteNonQueryAsync();
        return (ev, warmup, manager, entity);
    }

    /// <summary>Sign-in cookies made by the app's own Identity (the same principal the sign-in form makes), without hashing N passwords.</summary>
    private static async Task<List<string>> CookiesAsync(IServiceProvider services, string cs)
    {
        var ids = new List<Guid>();
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT user_id FROM follows", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        }
        var cookie = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var list = new List<string>(ids.Count);
        foreach (var chunk in ids.Chunk(500))
        {
            await using var scope = services.CreateAsyncScope();
            var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            foreach (var id in chunk)
            {
                var user = await users.FindByIdAsync(id.ToString()) ?? throw new InvalidOperationException("bench user missing");
                var principal = await factory.CreateAsync(user);
                var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow }, IdentityConstants.ApplicationScheme);
                list.Add($"{cookie.Cookie.Name}={cookie.TicketDataFormat.Protect(ticket)}");
            }
        }
        return list;
    }

    private static async Task InboxTimesAsync(IServiceProvider services, string cs, Guid entityId)
    {
        Guid follower;
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT user_id FROM follows WHERE entity_id = $1 ORDER BY user_id LIMIT 1", conn);
            cmd.Parameters.AddWithValue(entityId);
            follower = (Guid)(await cmd.ExecuteScalarAsync())!;
        }
        var counts = new List<double>();
        var pages = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var inbox = scope.ServiceProvider.GetRequiredService<NotificationInbox>();
            var sw = Stopwatch.StartNew();
            var unread = await inbox.UnreadCountAsync(follower, CancellationToken.None);
            counts.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var page = await inbox.PageAsync(follower, null, CancellationToken.None);
            pages.Add(sw.Elapsed.TotalMilliseconds);
            if (unread != 2 || page.Items.Count != 2) throw new InvalidOperationException($"follower sees {unread} unread, {page.Items.Count} items");
        }
        counts.Sort(); pages.Sort();
        Console.WriteLine($"a follower's unread count: p50 {BenchSupport.Pct(counts.ToArray(), 0.5):0.00} ms, p99 {BenchSupport.Pct(counts.ToArray(), 0.99):0.00} ms; " +
                          $"inbox page: p50 {BenchSupport.Pct(pages.ToArray(), 0.5):0.00} ms, p99 {BenchSupport.Pct(pages.ToArray(), 0.99):0.00} ms");
    }
}

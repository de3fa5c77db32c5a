using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Showgeo.Bench;

/// <summary>What every harness here needs: its arguments, the PostgreSQL server to use, and plain SQL.</summary>
internal static class BenchSupport
{
    public static int IntArg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;

    /// <summary>SHOWGEO_BENCH_PG, else SHOWGEO_TEST_PG (what .ci/test sets), else the local default.</summary>
    public static string ServerConnection() =>
        Environment.GetEnvironmentVariable("SHOWGEO_BENCH_PG")
        ?? Environment.GetEnvironmentVariable("SHOWGEO_TEST_PG")
        ?? "Host=localhost;Port=5432;Database=postgres;Username=showgeo;Password=showgeo";

    /// <summary>The nearest-rank percentile (<paramref name="p"/> from 0 to 1) of an ascending array; NaN when empty.</summary>
    public static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    /// <summary>
    /// Runs <paramref name="work"/> <paramref name="total"/> times, <paramref name="concurrency"/> at a time (each worker
    /// with its own seeded Random), and returns each call's latency in milliseconds, ascending, and the calls per second.
    /// </summary>
    public static async Task<(double[] LatenciesMs, double PerSecond)> LoadAsync(Func<Random, Task> work, int total, int concurrency)
    {
        var latencies = new double[total];
        var next = -1;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker * 7919 + total);
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await work(random);
                latencies[i] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var perSecond = total / wall.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (latencies, perSecond);
    }

    public static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// The app as it runs in Production, on <paramref name="connectionString"/>, for a harness: no demo data, simulated
/// payments allowed (Production without Stripe keys refuses to start otherwise), plus the harness's own settings.
/// </summary>
internal sealed class BenchApp(string connectionString, Dictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Showgeo", connectionString);
        builder.UseSetting("Demo:Seed", "false");
        builder.UseSetting("Tickets:SigningKey", "benchmark-signing-key-0123456789abcdef");
        builder.UseSetting("Payments:AllowTestPayments", "true");
        foreach (var (key, value) in settings ?? []) builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
        if (services is not null) builder.ConfigureServices(services);
    }
}

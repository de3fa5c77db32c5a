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

    public static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync();
    }
}

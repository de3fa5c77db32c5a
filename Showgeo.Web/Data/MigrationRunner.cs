using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Showgeo.Web.Data;

public sealed record MigrationScript(string Id, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

public sealed class MigrationChecksumException(string id)
    : Exception($"Migration '{id}' was edited after it was applied (checksum differs). Add a new migration file instead of changing an applied one.");

/// <summary>
/// Applies <c>migrations/NNNN_name.sql</c> in order, each once, under a PostgreSQL advisory lock so instances that start
/// together never apply a file twice. Each applied file is recorded with its SHA-256; an edited file stops startup.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> log)
{
    // Arbitrary but fixed: every Showgeo instance contends for the same lock.
    private const long AdvisoryLockKey = 0x53_68_6f_77_67_65_6f;

    [GeneratedRegex(@"^\d{4}_[a-z0-9_]+$")]
    private static partial Regex ValidId();

    private static readonly Lazy<IReadOnlyList<MigrationScript>> EmbeddedScripts = new(LoadEmbedded);

    /// <summary>The migrations compiled into this build, read once (the readiness probe asks on every call).</summary>
    public static IReadOnlyList<MigrationScript> Embedded() => EmbeddedScripts.Value;

    private static IReadOnlyList<MigrationScript> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new MigrationScript(Path.GetFileNameWithoutExtension(name["migrations/".Length..]), reader.ReadToEnd()));
        }
        return Ordered(scripts);
    }

    private static IReadOnlyList<MigrationScript> Ordered(IEnumerable<MigrationScript> scripts)
    {
        var list = scripts.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        foreach (var s in list.Where(s => !ValidId().IsMatch(s.Id)))
            throw new InvalidOperationException($"Migration file '{s.Id}.sql' must be named NNNN_lower_snake_name.sql.");
        var dup = list.GroupBy(s => s.Id[..4]).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new InvalidOperationException($"Two migration files share the number {dup.Key}.");
        return list;
    }

    /// <summary>Applies pending scripts; returns how many were applied by this call.</summary>
    public async Task<int> ApplyAsync(IEnumerable<MigrationScript> scripts, CancellationToken ct = default)
    {
        var ordered = Ordered(scripts);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await ExecAsync(conn, $"SELECT pg_advisory_lock({AdvisoryLockKey})", ct);
        try
        {
            await ExecAsync(conn, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            var applied = await AppliedAsync(conn, ct);
            var count = 0;
            foreach (var script in ordered)
            {
                if (applied.TryGetValue(script.Id, out var checksum))
                {
                    if (checksum != script.Checksum) throw new MigrationChecksumException(script.Id);
                    continue;
                }
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var cmd = new NpgsqlCommand(script.Sql, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
                await using (var rec = new NpgsqlCommand("INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)", conn, tx))
                {
                    rec.Parameters.AddWithValue(script.Id);
                    rec.Parameters.AddWithValue(script.Checksum);
                    await rec.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                log.LogInformation("Applied migration {Migration}", script.Id);
                count++;
            }
            return count;
        }
        finally
        {
            await ExecAsync(conn, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>True when every script is recorded with an unchanged checksum.</summary>
    public async Task<bool> IsUpToDateAsync(IEnumerable<MigrationScript> scripts, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", conn))
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return false;
        var applied = await AppliedAsync(conn, ct);
        return scripts.All(s => applied.TryGetValue(s.Id, out var c) && c == s.Checksum);
    }

    private static async Task<Dictionary<string, string>> AppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT id, checksum FROM schema_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) applied[reader.GetString(0)] = reader.GetString(1);
        return applied;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

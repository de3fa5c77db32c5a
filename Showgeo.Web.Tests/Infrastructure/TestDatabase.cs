using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Data;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// One migrated template database per test run; every test class clones it (CREATE DATABASE … TEMPLATE …),
/// so classes never share rows and never wait for each other's migrations.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim CloneLock = new(1, 1);
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>Server connection (database "postgres") from SHOWGEO_TEST_PG; .ci/test sets it.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("SHOWGEO_TEST_PG")
        ?? "Host=localhost;Port=5432;Database=postgres;Username=showgeo;Password=showgeo";

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = database,
            Pooling = true,
            // Test classes run in parallel, each with its own database and pool; keep their sum under max_connections.
            MaxPoolSize = 25,
            Timeout = 30,
        }.ConnectionString;

    /// <summary>Creates an empty database (no migrations) and returns its connection string.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var name = "showgeo_e_" + Guid.NewGuid().ToString("N")[..12];
        await ExecAsync($"CREATE DATABASE {name}");
        return ConnectionStringFor(name);
    }

    /// <summary>Clones the migrated template into a new database and returns its connection string.</summary>
    public static async Task<string> CloneAsync()
    {
        var template = await Template.Value;
        var name = "showgeo_t_" + Guid.NewGuid().ToString("N")[..12];
        await CloneLock.WaitAsync();
        try
        {
            await ExecAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        }
        finally
        {
            CloneLock.Release();
        }
        return ConnectionStringFor(name);
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using (var conn = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(conn);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 5)
            {
                // An autovacuum worker in the database cannot be ended without pg_signal_backend; it finishes soon.
                await Task.Delay(500 * attempt);
            }
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        await DropStaleAsync();
        var name = $"showgeo_tpl_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..6]}";
        await ExecAsync($"CREATE DATABASE {name}");
        // Pooling off: a lingering pooled connection to the template would block every clone.
        var cs = new NpgsqlConnectionStringBuilder(ConnectionStringFor(name)) { Pooling = false }.ConnectionString;
        await using (var source = NpgsqlDataSource.Create(cs))
            await new MigrationRunner(source, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.Embedded());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { ExecAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").GetAwaiter().GetResult(); } catch (NpgsqlException) { }
        };
        return name;
    }

    /// <summary>Databases left by a killed earlier run would pile up; remove those not touched by a live backend.</summary>
    private static async Task DropStaleAsync()
    {
        var stale = new List<string>();
        await using (var conn = new NpgsqlConnection(ServerConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT datname FROM pg_database
                WHERE (datname LIKE 'showgeo\_t\_%' OR datname LIKE 'showgeo\_tpl\_%' OR datname LIKE 'showgeo\_e\_%')
                  AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)
                  AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification < now() - interval '2 hours'
                """, conn);
            try
            {
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stale.Add(reader.GetString(0));
            }
            catch (PostgresException)
            {
                return; // pg_stat_file needs privileges the role may not have; leftovers are harmless.
            }
        }
        foreach (var db in stale)
        {
            try { await ExecAsync($"DROP DATABASE IF EXISTS {db} WITH (FORCE)"); } catch (PostgresException) { }
        }
    }

    public static async Task ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

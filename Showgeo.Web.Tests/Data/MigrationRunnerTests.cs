using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private readonly List<NpgsqlDataSource> _sources = [];

    [Fact]
    public async Task Fresh_database_gets_every_migration_once_and_a_second_run_applies_nothing()
    {
        var cs = await FreshDatabaseAsync();
        var runner = Runner(cs);
        var embedded = MigrationRunner.Embedded();

        Assert.False(await runner.IsUpToDateAsync(embedded));
        Assert.Equal(embedded.Count, await runner.ApplyAsync(embedded));
        Assert.Equal(0, await runner.ApplyAsync(embedded));

        Assert.True(await runner.IsUpToDateAsync(embedded));
        Assert.Equal(embedded.Select(s => s.Id), await AppliedIdsAsync(cs));
    }

    [Fact]
    public async Task Four_instances_starting_together_apply_each_file_exactly_once()
    {
        var cs = await FreshDatabaseAsync();
        var embedded = MigrationRunner.Embedded();
        // Separate data sources, as separate instances would have.
        var runners = Enumerable.Range(0, 4).Select(_ => Runner(cs)).ToList();

        var applied = await Task.WhenAll(runners.Select(r => Task.Run(() => r.ApplyAsync(embedded))));

        Assert.Equal(embedded.Count, applied.Sum());
        Assert.Equal(embedded.Select(s => s.Id), await AppliedIdsAsync(cs));
        Assert.True(await runners[0].IsUpToDateAsync(embedded));
    }

    [Fact]
    public async Task Edited_migration_stops_startup_and_is_reported_not_ready()
    {
        var cs = await FreshDatabaseAsync();
        var runner = Runner(cs);
        MigrationScript[] original =
        [
            new("0001_widgets", "CREATE TABLE widgets (id integer PRIMARY KEY);"),
            new("0002_gadgets", "CREATE TABLE gadgets (id integer PRIMARY KEY);"),
        ];
        MigrationScript[] edited =
        [
            new("0001_widgets", "CREATE TABLE widgets (id bigint PRIMARY KEY);"),
            original[1],
            new("0003_gizmos", "CREATE TABLE gizmos (id integer PRIMARY KEY);"),
        ];
        Assert.Equal(2, await runner.ApplyAsync(original));

        var ex = await Assert.ThrowsAsync<MigrationChecksumException>(() => runner.ApplyAsync(edited));

        Assert.Contains("0001_widgets", ex.Message);
        Assert.False(await runner.IsUpToDateAsync(edited));
        Assert.True(await runner.IsUpToDateAsync(original));
        // Nothing after the edited file ran.
        Assert.Equal(["0001_widgets", "0002_gadgets"], await AppliedIdsAsync(cs));
        Assert.Equal("integer", await ScalarAsync<string>(cs, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'widgets'::regclass AND attname = 'id'"));
    }

    [Fact]
    public async Task Failing_migration_rolls_back_and_is_not_recorded()
    {
        var cs = await FreshDatabaseAsync();
        var runner = Runner(cs);
        MigrationScript[] scripts =
        [
            new("0001_ok", "CREATE TABLE ok_table (id integer PRIMARY KEY);"),
            new("0002_broken", "CREATE TABLE half_done (id integer PRIMARY KEY); SELECT no_such_function();"),
        ];

        await Assert.ThrowsAsync<PostgresException>(() => runner.ApplyAsync(scripts));

        Assert.Equal(["0001_ok"], await AppliedIdsAsync(cs));
        Assert.False(await ScalarAsync<bool>(cs, "SELECT to_regclass('half_done') IS NOT NULL"));
        Assert.False(await runner.IsUpToDateAsync(scripts));
    }

    [Fact]
    public async Task Pending_migration_is_reported_not_ready()
    {
        var cs = await FreshDatabaseAsync();
        var runner = Runner(cs);
        MigrationScript[] first = [new("0001_a", "CREATE TABLE a (id integer);")];
        await runner.ApplyAsync(first);

        Assert.False(await runner.IsUpToDateAsync([.. first, new("0002_b", "CREATE TABLE b (id integer);")]));
    }

    private MigrationRunner Runner(string cs)
    {
        var source = NpgsqlDataSource.Create(cs);
        _sources.Add(source);
        return new MigrationRunner(source, NullLogger<MigrationRunner>.Instance);
    }

    private async Task<string> FreshDatabaseAsync()
    {
        var cs = await TestDatabase.CreateEmptyAsync();
        _databases.Add(cs);
        return cs;
    }

    private static async Task<List<string>> AppliedIdsAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id FROM schema_migrations ORDER BY id", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }

    private static async Task<T> ScalarAsync<T>(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _sources) await s.DisposeAsync();
        foreach (var db in _databases) await TestDatabase.DropAsync(db);
    }
}

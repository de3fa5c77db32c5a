using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

/// <summary>
/// The query pool keeps prepared statements across borrowings (no reset, auto-prepare); everything that holds session
/// state (LISTEN loops, advisory locks) draws from the other pool, so no borrowed query connection ever carries it.
/// </summary>
public sealed class DataSourcesTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task A_statement_run_twice_is_prepared_and_stays_prepared_after_its_connection_goes_back_to_the_pool()
    {
        await using var source = DataSources.Queries(new NpgsqlConnectionStringBuilder(app.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        for (var i = 0; i < 3; i++)
        {
            // A new borrowing each time; with one connection in the pool it is the same physical connection.
            await using var conn = await source.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM events WHERE id = $1", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            await cmd.ExecuteScalarAsync();
        }
        await using (var conn = await source.OpenConnectionAsync())
        await using (var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM events WHERE id = $1%'", conn))
            Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_session_pool_resets_its_connections_so_a_lock_left_behind_dies_with_the_borrowing()
    {
        await using var source = DataSources.Sessions(new NpgsqlConnectionStringBuilder(app.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        const long key = 7_340_112_901;
        await using (var conn = await source.OpenConnectionAsync())
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", conn))
            await take.ExecuteScalarAsync();
        await using (var conn = await source.OpenConnectionAsync())
        await using (var held = new NpgsqlCommand($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {key & 0xFFFFFFFF} AND pid = pg_backend_pid()", conn))
            Assert.Equal(0L, await held.ExecuteScalarAsync());
    }
}

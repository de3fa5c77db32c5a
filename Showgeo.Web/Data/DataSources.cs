using Npgsql;

namespace Showgeo.Web.Data;

/// <summary>
/// The app's two pools of PostgreSQL connections, both from the one connection string.
/// <para>
/// <see cref="Queries"/> serves EF Core and every short command. It keeps each connection's prepared statements
/// between uses: Npgsql prepares a statement once it has run twice on a connection (auto-prepare), so PostgreSQL
/// parses and plans a page's queries once per connection instead of once per request, and a connection going back to
/// the pool is not reset with <c>DISCARD ALL</c>, which would drop those statements
/// (https://www.npgsql.org/doc/prepare.html#automatic-preparation, https://www.npgsql.org/doc/connection-string-parameters.html#performance).
/// Nothing that borrows a connection from it may leave session state behind: no session advisory locks, no LISTEN,
/// no session SET.
/// </para>
/// <para>
/// <see cref="Sessions"/> is for the few that do hold session state on a connection: scheduler and migration advisory
/// locks and the LISTEN loops. Its connections are reset when they go back, so a lock or a LISTEN can never outlive
/// its holder on a connection that someone else borrows next.
/// </para>
/// </summary>
public static class DataSources
{
    /// <summary>The DI key of the session-state pool (<c>[FromKeyedServices(DataSources.SessionKey)]</c>).</summary>
    public const string SessionKey = "postgres-sessions";

    public static NpgsqlDataSource Queries(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var cs = builder.ConnectionStringBuilder;
        cs.NoResetOnClose = true;
        // A value set in the connection string is kept. 100 statements per connection covers every query a page sends.
        if (cs.MaxAutoPrepare == 0) cs.MaxAutoPrepare = 100;
        if (cs.AutoPrepareMinUsages == 5) cs.AutoPrepareMinUsages = 2;
        return builder.Build();
    }

    public static NpgsqlDataSource Sessions(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var cs = builder.ConnectionStringBuilder;
        cs.NoResetOnClose = false;
        cs.MaxAutoPrepare = 0;
        // A handful at once: three LISTEN loops and a lock per running scheduled job.
        cs.MaxPoolSize = Math.Min(cs.MaxPoolSize, 20);
        return builder.Build();
    }
}

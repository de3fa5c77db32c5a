using System.Net;
using Npgsql;

namespace Showgeo.Web.Tests.Infrastructure;

public sealed class HealthTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Liveness_and_readiness_answer_200_on_a_migrated_database()
    {
        using var client = app.CreateClient();

        using var live = await client.Http.GetAsync("/healthz");
        using var ready = await client.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }
}

/// <summary>Its own app and database: the test damages the migration record.</summary>
public sealed class ReadinessTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Readiness_fails_but_liveness_holds_when_an_applied_migration_no_longer_matches()
    {
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE schema_migrations SET checksum = 'edited' WHERE id = (SELECT min(id) FROM schema_migrations)", conn);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        using var client = app.CreateClient();

        using var ready = await client.Http.GetAsync("/readyz");
        using var live = await client.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}

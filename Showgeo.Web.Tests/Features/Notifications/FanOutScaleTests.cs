using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Notifications;

/// <summary>
/// Fan-out on read: an entity with 100,000 followers going live writes one notification row, in the background, and
/// each follower's inbox and count are computed from it. (How fast that read is, is measured by the bench's live mode.)
/// </summary>
public sealed class FanOutScaleTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    public const int Followers = 100_000;

    [Fact]
    public async Task Going_live_with_100000_followers_writes_one_row_and_every_follower_sees_it()
    {
        var t = await app.EventWithTicketsAsync();
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO users (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                                   phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                SELECT gen_random_uuid(), 'Fan ' || i, now() - interval '1 day', 'bulk' || i || '@example.com', 'BULK' || i || '@EXAMPLE.COM',
                       'bulk' || i || '@example.com', 'BULK' || i || '@EXAMPLE.COM', true, false, false, true, 0
                FROM generate_series(1, @n) AS i;
                INSERT INTO follows (user_id, entity_id, created_at)
                SELECT id, @entity, now() - interval '1 hour' FROM users WHERE user_name LIKE 'bulk%@example.com';
                UPDATE entities SET follower_count = @n WHERE id = @entity;
                ANALYZE follows; ANALYZE users;
                """, conn) { CommandTimeout = 300 };
            cmd.Parameters.AddWithValue("n", Followers);
            cmd.Parameters.AddWithValue("entity", t.Entity.Id);
            await cmd.ExecuteNonQueryAsync();
        }
        await using var db = app.CreateDb();
        var notificationsBefore = await db.Set<Notification>().CountAsync();

        await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Live, t.Manager);
        var live = await app.StoredAsync($"phase:{t.Event.Id}:Live");

        Assert.Equal(notificationsBefore + 1, await db.Set<Notification>().CountAsync());
        Assert.Equal(Followers, live.Reach);
        var someFollowers = await db.Database.SqlQuery<Guid>($"SELECT user_id AS \"Value\" FROM follows WHERE entity_id = {t.Entity.Id} ORDER BY user_id LIMIT 3").ToListAsync();
        foreach (var follower in someFollowers)
        {
            Assert.Equal(live.Id, Assert.Single((await app.InboxAsync(follower)).Items).Id);
            Assert.Equal(1, await app.UnreadAsync(follower));
        }
    }
}

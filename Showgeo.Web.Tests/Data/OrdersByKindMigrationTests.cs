using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

/// <summary>Orders written before Payments knew kinds keep their meaning after 0072 (tickets, same event, same money).</summary>
public sealed class OrdersByKindMigrationTests : IAsyncLifetime
{
    private string _cs = "";

    public async Task InitializeAsync() => _cs = await TestDatabase.CreateEmptyAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_cs);

    [Fact]
    public async Task A_paid_and_partly_refunded_ticket_order_migrates_to_the_tickets_kind_with_its_event_items_and_units()
    {
        var all = MigrationRunner.Embedded();
        var before = all.Where(m => string.CompareOrdinal(m.Id, "0072") < 0).ToList();
        Assert.Contains(all, m => m.Id.StartsWith("0072_", StringComparison.Ordinal));
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_cs) { Pooling = false }.ConnectionString);
        var runner = new MigrationRunner(source, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync(before);

        Guid user = Guid.NewGuid(), entity = Guid.NewGuid(), ev = Guid.NewGuid(), type = Guid.NewGuid(), order = Guid.NewGuid(),
            line = Guid.NewGuid(), ticket1 = Guid.NewGuid(), ticket2 = Guid.NewGuid(), refund = Guid.NewGuid();
        await using (var cmd = source.CreateCommand($$"""
            INSERT INTO users (id, display_name, created_at, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            VALUES ('{{user}}', 'Old Buyer', now(), true, false, false, true, 0);
            INSERT INTO entities (id, slug, name, kind, bio, genres, links, is_verified, follower_count, created_at)
            VALUES ('{{entity}}', 'old-hall', 'Old Hall', 'Venue', '', '{}', '{}', false, 0, now());
            INSERT INTO events (id, entity_id, slug, title, description, starts_at, ends_at, time_zone, is_online, genres, visibility, phase, created_at)
            VALUES ('{{ev}}', '{{entity}}', 'old-show', 'Old Show', '', now() + interval '7 days', now() + interval '7 days 3 hours', 'UTC', false, '{}', 'Public', 'Pre', now());
            INSERT INTO ticket_types (id, event_id, name, price_minor, currency, capacity, sold, held, max_per_order, created_at)
            VALUES ('{{type}}', '{{ev}}', 'Standing', 2500, 'EUR', 100, 1, 0, 4, now());
            INSERT INTO orders (id, user_id, event_id, status, total_minor, refunded_minor, currency, provider, provider_payment_id, hold_expires_at, created_at, paid_at)
            VALUES ('{{order}}', '{{user}}', '{{ev}}', 'PartiallyRefunded', 5000, 2500, 'EUR', 'stripe', 'pi_old', now(), now(), now());
            INSERT INTO order_lines (id, order_id, ticket_type_id, name, quantity, unit_price_minor)
            VALUES ('{{line}}', '{{order}}', '{{type}}', 'Standing', 2, 2500);
            INSERT INTO tickets (id, order_id, ticket_type_id, event_id, user_id, code, status, price_minor, refunded_minor, created_at)
            VALUES ('{{ticket1}}', '{{order}}', '{{type}}', '{{ev}}', '{{user}}', 'code-1', 'Valid', 2500, 0, now()),
                   ('{{ticket2}}', '{{order}}', '{{type}}', '{{ev}}', '{{user}}', 'code-2', 'Refunded', 2500, 2500, now());
            INSERT INTO refunds (id, order_id, ticket_ids, amount_minor, currency, status, reason, created_at)
            VALUES ('{{refund}}', '{{order}}', ARRAY['{{ticket2}}']::uuid[], 2500, 'EUR', 'Succeeded', 'Refunded by organiser', now());
            """))
            await cmd.ExecuteNonQueryAsync();

        Assert.Equal(all.Count - before.Count, await runner.ApplyAsync(all));

        await using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(_cs).Options);
        var migrated = await db.Set<Order>().AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == order);
        Assert.Equal(("tickets", ev, OrderStatus.PartiallyRefunded, 5000L, 2500L, "pi_old"),
            (migrated.Kind, migrated.ReferenceId, migrated.Status, migrated.TotalMinor, migrated.RefundedMinor, migrated.ProviderPaymentId));
        Assert.Equal((type, 2, 2500L), (migrated.Lines.Single().ItemId, migrated.Lines.Single().Quantity, migrated.Lines.Single().UnitPriceMinor));
        var refunded = await db.Set<Refund>().AsNoTracking().SingleAsync(r => r.Id == refund);
        Assert.Equal([ticket2], refunded.UnitIds);
        // The ticket kind finds it again: one ticket still refundable at its price.
        var kind = new Showgeo.Web.Features.Tickets.TicketOrderKind(db, null!, null!, TimeProvider.System, null!);
        var units = await kind.RefundableUnitsAsync(order, CancellationToken.None);
        Assert.Equal([(ticket1, 2500L)], units.Select(u => (u.Id, u.PriceMinor)).ToArray());
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Payments;

public sealed class OrderKindTests(ProbeKindApp app) : IClassFixture<ProbeKindApp>
{
    [Fact]
    public async Task A_kind_registered_by_another_feature_is_held_paid_on_the_test_page_and_refunded_through_its_own_handler()
    {
        var buyer = await app.UserAsync($"probe-{Guid.NewGuid():N}@example.com");
        var order = app.NewOrder(buyer.Id, 2);
        var (unheld, start) = await app.CheckoutAsync(order);
        Assert.Null(unheld);
        Assert.Equal($"/pay/test/{order.Id}", start!.RedirectUrl);

        using var client = await app.SignedInAsync(buyer);
        var page = await client.GetAsync(start.RedirectUrl);
        Assert.Contains("Test payment for Probe goods", page.Document.QuerySelector("#test-payment-title")!.TextContent);
        using var paid = await client.SubmitRawAsync(page.Document, "form[action*='handler=Pay']");
        Assert.True(paid.IsRedirect());
        // The page sends the buyer where the kind says, not to a ticket receipt.
        Assert.Equal($"/me/probe/{order.Id}", paid.Headers.Location!.OriginalString);

        await using (var db = app.CreateDb())
        {
            var saved = await db.Set<Order>().AsNoTracking().SingleAsync(o => o.Id == order.Id);
            Assert.Equal((OrderStatus.Paid, ProbeOrderKind.Name), (saved.Status, saved.Kind));
            Assert.False(await db.Set<Ticket>().AnyAsync(t => t.OrderId == order.Id), "tickets are issued only for ticket orders");
            var paidEvent = (await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Type == nameof(OrderPaid)).Select(m => m.Payload).ToListAsync())
                .Single(p => p.Contains(order.Id.ToString()));
            Assert.Contains("\"kind\": \"probe\"", paidEvent);
        }

        var partly = await app.WithScopeAsync(sp => sp.GetRequiredService<RefundService>()
            .RefundAsync(new RefundAsk(order.Id, AmountMinor: 1000, Reason: "Partial"), null, CancellationToken.None));
        Assert.True(partly.Ok, partly.Message);
        var rest = await app.WithScopeAsync(sp => sp.GetRequiredService<RefundService>()
            .RefundAsync(new RefundAsk(order.Id), null, CancellationToken.None));
        Assert.True(rest.Ok, rest.Message);

        Assert.Equal(["hold", "fulfil", "refunded-partly", "refunded-fully"], app.Stock.For(order.Id));
        await using var check = app.CreateDb();
        var refunded = await check.Set<Order>().AsNoTracking().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((OrderStatus.Refunded, 3000L), (refunded.Status, refunded.RefundedMinor));
    }

    [Fact]
    public async Task Abandoned_and_expired_orders_of_each_kind_release_through_their_own_kind_only()
    {
        var buyer = await app.UserAsync($"probe-{Guid.NewGuid():N}@example.com");
        var abandoned = app.NewOrder(buyer.Id, 1);
        var lapsed = app.NewOrder(buyer.Id, 1);
        await app.CheckoutAsync(abandoned);
        await app.CheckoutAsync(lapsed);
        // A ticket order lapses at the same time: one release job must hand each order to its own kind.
        var tickets = await app.EventWithTicketsAsync(capacity: 5);
        await app.PendingOrderAsync(tickets, 2, buyer);

        using var client = await app.SignedInAsync(buyer);
        var page = await client.GetAsync($"/pay/test/{abandoned.Id}");
        using var gone = await client.SubmitRawAsync(page.Document, "form[action*='handler=Abandon']");
        Assert.True(gone.IsRedirect());

        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.Id == lapsed.Id || o.ReferenceId == tickets.Event.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var released = await app.WithScopeAsync(sp => sp.GetRequiredService<HoldReleaseJob>().RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, released);

        Assert.Equal(["hold", "release"], app.Stock.For(abandoned.Id));
        Assert.Equal(["hold", "release"], app.Stock.For(lapsed.Id));
        await using var check = app.CreateDb();
        var statuses = await check.Set<Order>().AsNoTracking().Where(o => o.Id == abandoned.Id || o.Id == lapsed.Id)
            .ToDictionaryAsync(o => o.Id, o => o.Status);
        Assert.Equal((OrderStatus.Cancelled, OrderStatus.Expired), (statuses[abandoned.Id], statuses[lapsed.Id]));
        var type = await check.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == tickets.Type.Id);
        Assert.Equal((0, 0), (type.Sold, type.Held));
    }

    [Fact]
    public async Task A_kind_that_cannot_hold_leaves_no_order_behind()
    {
        var buyer = await app.UserAsync($"probe-{Guid.NewGuid():N}@example.com");
        var tooMany = app.NewOrder(buyer.Id, 50);
        var (unheld, start) = await app.CheckoutAsync(tooMany);
        Assert.NotNull(unheld);
        Assert.Null(start);
        await using var db = app.CreateDb();
        Assert.False(await db.Set<Order>().AnyAsync(o => o.Id == tooMany.Id));
    }

    [Fact]
    public void Payments_source_names_no_feature_and_no_feature_reaches_into_payments_internals()
    {
        var root = RepoFiles.PathOf(Path.Combine("Showgeo.Web", "Features"));
        var payments = Directory.GetFiles(Path.Combine(root, "Payments"), "*.cs*", SearchOption.AllDirectories);
        Assert.NotEmpty(payments);
        foreach (var file in payments)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(@"Showgeo\.Web\.Features\.(?!Payments)\w+", text);
        }
        // Payments keeps its mechanics internal; only its public contract (orders, kinds, checkout, refunds) is shared.
        var internals = typeof(IOrderKind).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(IOrderKind).Namespace && !t.IsPublic && !t.IsNested).Select(t => t.Name).ToList();
        foreach (var file in Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Payments{Path.DirectorySeparatorChar}")))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(internals, name => System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{name}\b"));
        }
    }
}

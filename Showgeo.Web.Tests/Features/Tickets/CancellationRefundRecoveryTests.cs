using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Features.Payments;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>Stripe on a fake, with outbox retries fast enough for a test to watch a failing refund recover.</summary>
public sealed class QuickRetryStripeApp : StripeApp
{
    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["Outbox:BackoffSeconds"] = "0.1";
        settings["Outbox:MaxBackoffSeconds"] = "0.3";
        settings["Outbox:MaxAttempts"] = "1000";
    }
}

public sealed class CancellationRefundRecoveryTests(QuickRetryStripeApp app) : IClassFixture<QuickRetryStripeApp>
{
    [Fact]
    public async Task Refunds_of_a_cancelled_event_run_in_the_background_show_failures_to_the_manager_and_finish_when_stripe_recovers()
    {
        var a = await app.EventWithTicketsAsync(capacity: 10);
        var paid = new List<Guid>();
        for (var i = 0; i < 3; i++) paid.Add((await app.PaidOrderAsync(a, 1 + i % 2)).Order.Id);

        using (app.Stripe.FailNext("/v1/refunds", 10_000))
        {
            var cancelled = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(a.Event.Id, EventPhase.Pre,
                EventPhase.Cancelled, Principal(a.Manager.Id), "Storm", CancellationToken.None));
            Assert.True(cancelled.Succeeded, cancelled.Error);

            var failing = await Eventually.ValueAsync(ProgressAsync, p => p is { Failures.Count: 3 }, "all three refunds to fail");
            Assert.Equal((3, 0), (failing!.Total, failing.Done));

            using var manager = await app.SignedInAsync(a.Manager);
            var page = await manager.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets");
            var section = page.Document.QuerySelector("#cancellation-refunds")!.TextContent;
            Assert.Contains("0 of 3 orders refunded or released", section);
            Assert.Contains("3 not refunded yet", section);
            Assert.Contains("payment provider has not confirmed", section);
            await using var db = app.CreateDb();
            Assert.All(await db.Set<Order>().Where(o => paid.Contains(o.Id)).ToListAsync(), o => Assert.Equal(OrderStatus.Paid, o.Status));
        }

        var done = await Eventually.ValueAsync(ProgressAsync, p => p is { Finished: true }, "the refunds to finish after Stripe recovers");
        Assert.Equal((3, 3, 0), (done!.Total, done.Done, done.Failures.Count));
        await using var check = app.CreateDb();
        Assert.All(await check.Set<Order>().Where(o => paid.Contains(o.Id)).ToListAsync(), o => Assert.Equal(OrderStatus.Refunded, o.Status));
        // Each order was refunded once by Stripe's account of it: one succeeded refund per order.
        Assert.Equal(3, await check.Set<Refund>().CountAsync(r => paid.Contains(r.OrderId) && r.Status == RefundStatus.Succeeded));
        var type = await check.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 0), (type.Sold, type.Held));

        async Task<CancellationProgress?> ProgressAsync()
        {
            await using var db = app.CreateDb();
            return await CancellationProgress.ForEventAsync(db, a.Event.Id, CancellationToken.None);
        }
    }
}

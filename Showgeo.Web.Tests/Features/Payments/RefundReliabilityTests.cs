using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>Stripe on the fake with a one-second timeout, so a slow answer counts as a lost one.</summary>
public sealed class ShortTimeoutStripeApp : StripeApp
{
    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["Stripe:TimeoutSeconds"] = "1";
    }
}

public sealed class RefundReliabilityTests(ShortTimeoutStripeApp app) : IClassFixture<ShortTimeoutStripeApp>
{
    [Fact]
    public async Task A_timed_out_refund_stays_pending_stops_the_tickets_at_once_and_is_made_once_by_the_reconciler()
    {
        var a = await app.EventWithTicketsAsync();
        var (order, _) = await app.PaidOrderAsync(a, 2);
        RefundResult first, second;
        app.Stripe.Delay = TimeSpan.FromSeconds(2.5);
        try
        {
            first = await RefundAsync(order.Id);
            // The manager clicks again while Stripe's answer is outstanding.
            second = await RefundAsync(order.Id);
        }
        finally
        {
            app.Stripe.Delay = TimeSpan.Zero;
        }
        Assert.True(first.Pending, first.Message);
        Assert.True(second.Pending, second.Message);
        Assert.Contains("already in progress", second.Message);
        await using (var db = app.CreateDb())
        {
            var refund = await db.Set<Refund>().AsNoTracking().SingleAsync(r => r.OrderId == order.Id);
            Assert.Equal(RefundStatus.Pending, refund.Status);
            Assert.Equal(OrderStatus.Paid, (await db.Set<Order>().AsNoTracking().SingleAsync(o => o.Id == order.Id)).Status);
        }
        Assert.Equal(CheckInVerdict.Refunded, await CheckInAsync(a, order.Id));

        Assert.Equal(1, await ReconcileAsync());
        await AssertRefundedOnceAsync(order.Id, a);
        Assert.Equal(0, await ReconcileAsync());
    }

    [Fact]
    public async Task Two_provider_errors_leave_the_refund_pending_and_the_next_pass_finishes_it_with_the_same_key()
    {
        var a = await app.EventWithTicketsAsync();
        var (order, _) = await app.PaidOrderAsync(a, 1);
        using (app.Stripe.FailNext("/v1/refunds", 2))
            Assert.True((await RefundAsync(order.Id)).Pending);
        Assert.Equal(1, await ReconcileAsync());
        await AssertRefundedOnceAsync(order.Id, a);
    }

    [Fact]
    public async Task A_dropped_connection_after_stripe_refunded_is_settled_by_charge_refunded_without_a_second_refund()
    {
        var a = await app.EventWithTicketsAsync();
        var (order, _) = await app.PaidOrderAsync(a, 2);
        using (app.Stripe.FailNext("/v1/refunds", 2, FakeStripe.DropConnection))
            Assert.True((await RefundAsync(order.Id)).Pending);

        var charge = $$$"""{"id":"evt_ch_drop_{{{order.Id:N}}}","object":"event","api_version":"{{{StripeConfiguration.ApiVersion}}}","type":"charge.refunded","data":{"object":{"id":"ch_drop","object":"charge","payment_intent":"pi_{{{order.Id:N}}}","amount_refunded":{{{order.TotalMinor}}},"currency":"eur"} } }""";
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(charge)).StatusCode);
        await AssertRefundedOnceAsync(order.Id, a);
        // Nothing left for the reconciler, and Stripe was never asked with a second key.
        Assert.Equal(0, await ReconcileAsync());
        Assert.Single(app.Stripe.Calls.Where(c => c.Path == "/v1/refunds" && c.Form["metadata[order_id]"] == order.Id.ToString())
            .Select(c => c.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task A_checkout_the_fan_abandons_while_stripe_is_slow_releases_its_seats_at_once()
    {
        var a = await app.EventWithTicketsAsync(capacity: 5);
        var buyer = await app.UserAsync();
        using var client = await app.SignedInAsync(buyer);
        app.Stripe.Delay = TimeSpan.FromSeconds(0.8);
        try
        {
            var page = await client.GetAsync($"/checkout/{a.Event.Id}");
            var form = page.Document.QuerySelector("#ticket-form")!;
            var fields = new Dictionary<string, string>(Arrange.Qty(a.Type.Id, 2))
            {
                ["__RequestVerificationToken"] = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            };
            // The fan closes the tab while Stripe is still creating the session: the request is aborted mid-flight.
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                client.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields), impatient.Token));
            await Eventually.TrueAsync(async () =>
            {
                await using var db = app.CreateDb();
                return await db.Set<Order>().AnyAsync(o => o.ReferenceId == a.Event.Id && o.UserId == buyer.Id && o.Status == OrderStatus.Cancelled)
                    && (await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == a.Type.Id)).Held == 0;
            }, "the abandoned checkout's hold to be released");
        }
        finally
        {
            app.Stripe.Delay = TimeSpan.Zero;
        }
    }

    private Task<RefundResult> RefundAsync(Guid orderId) => app.WithScopeAsync(sp =>
        sp.GetRequiredService<RefundService>().RefundAsync(new RefundAsk(orderId), null, CancellationToken.None));

    private Task<int> ReconcileAsync() => app.WithScopeAsync(sp =>
        sp.GetRequiredService<RefundReconciler>().RunOnceAsync(TimeSpan.Zero, CancellationToken.None));

    private async Task<CheckInVerdict> CheckInAsync(TicketedEvent a, Guid orderId)
    {
        await using var db = app.CreateDb();
        var code = await db.Set<Ticket>().Where(t => t.OrderId == orderId).Select(t => t.Code).FirstAsync();
        return (await app.WithScopeAsync(sp => sp.GetRequiredService<CheckInDesk>().CheckInAsync(a.Event.Id, code, CancellationToken.None))).Verdict;
    }

    private async Task AssertRefundedOnceAsync(Guid orderId, TicketedEvent a)
    {
        await using var db = app.CreateDb();
        var saved = await db.Set<Order>().AsNoTracking().SingleAsync(o => o.Id == orderId);
        Assert.Equal((OrderStatus.Refunded, saved.TotalMinor), (saved.Status, saved.RefundedMinor));
        var refund = await db.Set<Refund>().AsNoTracking().SingleAsync(r => r.OrderId == orderId);
        Assert.Equal(RefundStatus.Succeeded, refund.Status);
        Assert.All(await db.Set<Ticket>().Where(t => t.OrderId == orderId).ToListAsync(), t => Assert.Equal(TicketStatus.Refunded, t.Status));
        // Every call Stripe saw for this refund carried the refund's one key.
        Assert.All(app.Stripe.Calls.Where(c => c.Path == "/v1/refunds" && c.Form["metadata[order_id]"] == orderId.ToString()),
            c => Assert.Equal($"refund:{refund.Id}", c.IdempotencyKey));
        Assert.Equal(0, (await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == a.Type.Id)).Sold
            - await db.Set<Ticket>().CountAsync(t => t.TicketTypeId == a.Type.Id && t.Status != TicketStatus.Refunded));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Payments.StripeApp;

namespace Showgeo.Web.Tests.Features.Payments;

public sealed class OrderKindWebhookTests(ProbeKindStripeApp app) : IClassFixture<ProbeKindStripeApp>
{
    [Fact]
    public async Task The_stripe_webhook_hands_a_paid_or_expired_order_to_the_kind_that_sold_it()
    {
        var buyer = await app.UserAsync();
        var paid = ProbeOrders.New(buyer.Id, 1);
        var expired = ProbeOrders.New(buyer.Id, 2);
        foreach (var o in new[] { paid, expired })
        {
            var (unheld, start) = await ProbeOrders.CheckoutAsync(app, o);
            Assert.Null(unheld);
            Assert.StartsWith("https://checkout.stripe.test/", start!.RedirectUrl);
        }
        // The session Stripe was asked for sends the buyer back to the kind's own page.
        var sessionCall = app.Stripe.Calls.First(c => c.Path == "/v1/checkout/sessions" && c.Form["client_reference_id"] == paid.Id.ToString());
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/me/probe/{paid.Id}?paid=1", sessionCall.Form["success_url"]);

        await using (var db = app.CreateDb())
        {
            paid.ProviderSessionId = await db.Set<Order>().Where(o => o.Id == paid.Id).Select(o => o.ProviderSessionId).SingleAsync();
            expired.ProviderSessionId = await db.Set<Order>().Where(o => o.Id == expired.Id).Select(o => o.ProviderSessionId).SingleAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent($"evt_probe_{paid.Id:N}", "checkout.session.completed", paid, "paid"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent($"evt_probe_{expired.Id:N}", "checkout.session.expired", expired, "unpaid"))).StatusCode);

        Assert.Equal(["hold", "fulfil"], app.Stock.For(paid.Id));
        Assert.Equal(["hold", "release"], app.Stock.For(expired.Id));
        await using var check = app.CreateDb();
        var statuses = await check.Set<Order>().AsNoTracking().Where(o => o.Id == paid.Id || o.Id == expired.Id).ToDictionaryAsync(o => o.Id, o => o.Status);
        Assert.Equal((OrderStatus.Paid, OrderStatus.Expired), (statuses[paid.Id], statuses[expired.Id]));
    }
}

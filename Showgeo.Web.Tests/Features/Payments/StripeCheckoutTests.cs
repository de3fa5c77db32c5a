using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>Checkout with Stripe configured: the session Stripe.net creates on the fake, its retries and its failures.</summary>
public sealed class StripeCheckoutTests(StripeApp app) : IClassFixture<StripeApp>
{
    [Fact]
    public async Task Checkout_creates_a_stripe_session_with_the_pinned_version_form_fields_and_idempotency_key()
    {
        var a = await app.EventWithTicketsAsync(priceMinor: 1999, currency: "GBP");
        using var fan = await app.SignedInAsync(await app.UserAsync("stripe-fan@example.com"));

        var response = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 3));
        Assert.True(response.IsRedirect());
        var orderId = await OrderIdAsync(a.Event.Id);
        Assert.Equal($"https://checkout.stripe.test/pay/{orderId}", response.Headers.Location!.ToString());

        var call = app.Stripe.Calls.Single(c => c.Path == "/v1/checkout/sessions" && c.Form["client_reference_id"] == orderId.ToString());
        Assert.Equal("Bearer sk_test_showgeo", call.Authorization);
        // The SDK's pinned version; the README tells operators to pin the webhook endpoint to the same one.
        Assert.Equal("2026-10-28.endive", call.StripeVersion);
        Assert.Equal(StripeConfiguration.ApiVersion, call.StripeVersion);
        Assert.Equal($"checkout:{orderId}", call.IdempotencyKey);
        Assert.Null(call.Telemetry);
        Assert.StartsWith("application/x-www-form-urlencoded", call.ContentType);
        Assert.Equal("payment", call.Form["mode"]);
        Assert.Equal("gbp", call.Form["line_items[0][price_data][currency]"]);
        Assert.Equal("1999", call.Form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal(a.Type.Name, call.Form["line_items[0][price_data][product_data][name]"]);
        Assert.Equal("3", call.Form["line_items[0][quantity]"]);
        Assert.Equal(orderId.ToString(), call.Form["metadata[order_id]"]);
        Assert.Equal(orderId.ToString(), call.Form["payment_intent_data[metadata][order_id]"]);
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(call.Form["expires_at"], CultureInfo.InvariantCulture));
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
        Assert.Contains($"/me/orders/{orderId}", call.Form["success_url"]);
        Assert.Contains($"/me/orders/{orderId}", call.Form["cancel_url"]);
        Assert.Equal("stripe-fan@example.com", call.Form["customer_email"]);

        await using var db = app.CreateDb();
        var order = await db.Set<Order>().SingleAsync(o => o.Id == orderId);
        Assert.Equal(expires.ToUnixTimeSeconds(), order.HoldExpiresAt.ToUnixTimeSeconds());
        Assert.StartsWith("cs_test_", order.ProviderSessionId);
    }

    [Fact]
    public async Task A_stripe_500_is_retried_once_with_the_same_idempotency_key_and_the_fan_goes_on_to_pay()
    {
        var a = await app.EventWithTicketsAsync();
        using var fan = await app.SignedInAsync(await app.UserAsync("stripe-retry@example.com"));
        using var failing = app.Stripe.FailNext("/v1/checkout/sessions", 1);

        var response = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        var orderId = await OrderIdAsync(a.Event.Id);
        Assert.Equal($"https://checkout.stripe.test/pay/{orderId}", response.Headers.Location?.ToString());

        var calls = app.Stripe.Calls.Where(c => c.Path == "/v1/checkout/sessions" && c.Form["client_reference_id"] == orderId.ToString()).ToList();
        Assert.Equal([500, 200], calls.Select(c => c.Status));
        Assert.All(calls, c => Assert.Equal($"checkout:{orderId}", c.IdempotencyKey));
        Assert.Equal(calls[0].Form, calls[1].Form);
        await using var db = app.CreateDb();
        var order = await db.Set<Order>().SingleAsync(o => o.Id == orderId);
        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.StartsWith("cs_test_", order.ProviderSessionId);
    }

    [Fact]
    public async Task When_stripe_keeps_failing_the_fan_sees_a_friendly_error_and_the_seats_are_released()
    {
        var a = await app.EventWithTicketsAsync(capacity: 5);
        using var fan = await app.SignedInAsync(await app.UserAsync("stripe-down@example.com"));
        using var failing = app.Stripe.FailNext("/v1/checkout/sessions", 2);

        var response = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The payment provider refused the request (500): An unknown error occurred.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));

        var orderId = await OrderIdAsync(a.Event.Id);
        // One try and one retry, no more: the fan is waiting on this request.
        Assert.Equal(2, app.Stripe.Calls.Count(c => c.Path == "/v1/checkout/sessions" && c.Form["client_reference_id"] == orderId.ToString()));
        await using var db = app.CreateDb();
        Assert.Equal(OrderStatus.Failed, (await db.Set<Order>().SingleAsync(o => o.Id == orderId)).Status);
        Assert.Equal(0, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Held);
    }

    [Fact]
    public async Task Htmx_checkout_to_stripe_uses_hx_redirect_not_a_fetch_redirect()
    {
        var a = await app.EventWithTicketsAsync();
        using var fan = await app.SignedInAsync(await app.UserAsync("stripe-htmx@example.com"));
        var response = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1), htmx: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("https://checkout.stripe.test/pay/", response.Headers.GetValues("HX-Redirect").Single());
    }

    [Fact]
    public async Task Local_test_payment_page_is_not_available_when_stripe_is_configured()
    {
        var (order, buyer) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        using var fan = await app.SignedInAsync(buyer);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/pay/test/{order.Id}")).Status);
    }

    private async Task<Guid> OrderIdAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Order>().Where(o => o.ReferenceId == eventId).Select(o => o.Id).SingleAsync();
    }
}

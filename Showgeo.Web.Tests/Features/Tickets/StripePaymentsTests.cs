using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.TicketsArrange;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace Showgeo.Web.Tests.Features.Tickets;

public class StripeApp : ShowgeoApp
{
    public const string WebhookSecret = "whsec_test_showgeo";
    public FakeStripe Stripe { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Stripe = await FakeStripe.StartAsync();
        settings["Stripe:SecretKey"] = "sk_test_showgeo";
        settings["Stripe:WebhookSecret"] = WebhookSecret;
        settings["Stripe:ApiBase"] = Stripe.BaseUrl;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(Logs));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>Warnings and errors the app logged, so a test can check what an operator would be told.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) logs.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}

public sealed class StripePaymentsTests(StripeApp app) : IClassFixture<StripeApp>
{
    private static readonly HttpClient Raw = new();

    [Fact]
    public async Task Checkout_creates_a_stripe_session_with_the_pinned_version_form_fields_and_idempotency_key()
    {
        var a = await EventWithTicketsAsync(app, priceMinor: 1999, currency: "GBP");
        await UserAsync(app, "stripe-fan@example.com");
        using var fan = await SignedInAsync(app, "stripe-fan@example.com");

        var response = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 3));
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
        var a = await EventWithTicketsAsync(app);
        await UserAsync(app, "stripe-retry@example.com");
        using var fan = await SignedInAsync(app, "stripe-retry@example.com");
        using var failing = app.Stripe.FailNext("/v1/checkout/sessions", 1);

        var response = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 2));
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
        var a = await EventWithTicketsAsync(app, capacity: 5);
        await UserAsync(app, "stripe-down@example.com");
        using var fan = await SignedInAsync(app, "stripe-down@example.com");
        using var failing = app.Stripe.FailNext("/v1/checkout/sessions", 2);

        var response = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 2));
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
        var a = await EventWithTicketsAsync(app);
        await UserAsync(app, "stripe-htmx@example.com");
        using var fan = await SignedInAsync(app, "stripe-htmx@example.com");
        var response = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 1), htmx: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("https://checkout.stripe.test/pay/", response.Headers.GetValues("HX-Redirect").Single());
    }

    [Fact]
    public async Task Completed_webhook_issues_tickets_once_and_a_replay_changes_nothing()
    {
        var (order, a) = await PendingOrderAsync(2);
        var body = SessionEvent("evt_done_1", "checkout.session.completed", order, "paid");
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body)).StatusCode);
        // A different event id for the same payment (Stripe retried after a timeout) must not issue more tickets either.
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_done_2", "checkout.session.async_payment_succeeded", order, "paid"))).StatusCode);

        await using var db = app.CreateDb();
        Assert.Equal(2, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
        var saved = await db.Set<Order>().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((OrderStatus.Paid, "pi_" + order.Id.ToString("N")), (saved.Status, saved.ProviderPaymentId));
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((2, 0), (type.Sold, type.Held));
    }

    [Fact]
    public async Task Bad_signatures_stale_timestamps_and_missing_headers_are_rejected_without_fulfilment()
    {
        var (order, _) = await PendingOrderAsync(1);
        var body = SessionEvent("evt_bad_1", "checkout.session.completed", order, "paid");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(body, Header(body, now, "whsec_wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(body, Header(body, now - 301))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(body, header: "")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(body, Header(body, now) + "x")).StatusCode);
        var tampered = body.Replace("\"amount_total\":", "\"amount_total\":1");
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(tampered, Header(body, now))).StatusCode);

        await AssertNoTicketsAsync(order.Id, OrderStatus.Pending);
        // Rejected deliveries are not recorded, so Stripe's correctly signed retry still fulfils.
        // Just inside the tolerance (recomputed: the steps above take time on a busy machine).
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body, Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 280))).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
    }

    [Fact]
    public async Task A_rotated_secret_header_with_several_v1_signatures_is_accepted()
    {
        var (order, _) = await PendingOrderAsync(1);
        var body = SessionEvent("evt_rot_1", "checkout.session.completed", order, "paid");
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = $"t={t},v1={StripeSigning.Signature(t, body, "whsec_old")},v1={StripeSigning.Signature(t, body, StripeApp.WebhookSecret)}";
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body, header)).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(x => x.OrderId == order.Id));
    }

    [Fact]
    public async Task An_event_of_another_api_release_is_still_fulfilled_and_the_operator_is_warned()
    {
        // Decided: a paid order must not wait on a Dashboard setting, so a mismatched release is processed and logged.
        var (order, _) = await PendingOrderAsync(1);
        var body = SessionEvent("evt_oldver_1", "checkout.session.completed", order, "paid", apiVersion: "2025-03-31.basil");
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body)).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
        var warning = Assert.Single(app.Logs.Entries, e => e.Message.Contains("evt_oldver_1"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("2025-03-31.basil", warning.Message);
        Assert.Contains(StripeConfiguration.ApiVersion, warning.Message);
    }

    [Fact]
    public async Task An_event_of_the_pinned_release_with_another_date_is_fulfilled_without_a_warning()
    {
        var (order, _) = await PendingOrderAsync(1);
        var body = SessionEvent("evt_samever_1", "checkout.session.completed", order, "paid", apiVersion: "2026-12-09.endive");
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body)).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains("evt_samever_1"));
    }

    [Fact]
    public async Task A_correctly_signed_body_that_is_not_an_event_is_rejected()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync("not json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync("[1,2]")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync("""{"object":"event","type":"checkout.session.completed"}""")).StatusCode);
    }

    [Fact]
    public async Task Unknown_event_types_and_unpaid_completions_are_acknowledged_and_ignored()
    {
        var (order, _) = await PendingOrderAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_unk_1", "customer.created", order, "paid"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_unpaid_1", "checkout.session.completed", order, "unpaid"))).StatusCode);
        await AssertNoTicketsAsync(order.Id, OrderStatus.Pending);
    }

    [Fact]
    public async Task An_amount_or_currency_that_does_not_match_the_order_issues_no_tickets()
    {
        var (order, _) = await PendingOrderAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_amt_1", "checkout.session.completed", order, "paid", amount: order.TotalMinor - 1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_cur_1", "checkout.session.completed", order, "paid", currency: "usd"))).StatusCode);
        await AssertNoTicketsAsync(order.Id, OrderStatus.Pending);
    }

    [Fact]
    public async Task Expired_session_releases_the_hold_and_a_late_completion_re_reserves_when_seats_remain()
    {
        var (order, a) = await PendingOrderAsync(2, capacity: 10);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_exp_1", "checkout.session.expired", order, "unpaid"))).StatusCode);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(OrderStatus.Expired, (await db.Set<Order>().SingleAsync(o => o.Id == order.Id)).Status);
            Assert.Equal(0, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Held);
        }
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_late_1", "checkout.session.completed", order, "paid"))).StatusCode);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(OrderStatus.Paid, (await db.Set<Order>().SingleAsync(o => o.Id == order.Id)).Status);
            Assert.Equal(2, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
            Assert.Equal(2, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Sold);
        }
    }

    [Fact]
    public async Task A_completion_after_expiry_with_no_seats_left_is_refunded_through_stripe_not_oversold()
    {
        var (order, a) = await PendingOrderAsync(1, capacity: 1);
        await PostWebhookAsync(SessionEvent("evt_exp_2", "checkout.session.expired", order, "unpaid"));
        await UserAsync(app, "taker@example.com");
        using var taker = await SignedInAsync(app, "taker@example.com");
        Assert.True((await CheckoutAsync(taker, a.Event.Id, Qty(a.Type.Id, 1))).IsRedirect());

        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SessionEvent("evt_late_2", "checkout.session.completed", order, "paid"))).StatusCode);
        await AssertNoTicketsAsync(order.Id, OrderStatus.Refunded);
        var refund = app.Stripe.Calls.Single(c => c.Path == "/v1/refunds" && c.Form["metadata[order_id]"] == order.Id.ToString());
        Assert.Equal("pi_" + order.Id.ToString("N"), refund.Form["payment_intent"]);
        Assert.Equal(order.TotalMinor.ToString(CultureInfo.InvariantCulture), refund.Form["amount"]);
        Assert.StartsWith("refund:", refund.IdempotencyKey);
        await using var db = app.CreateDb();
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 1), (type.Sold, type.Held));
    }

    [Fact]
    public async Task Manager_refund_goes_through_the_stripe_refunds_api_and_charge_refunded_is_not_counted_twice()
    {
        var (order, a) = await PendingOrderAsync(2);
        await PostWebhookAsync(SessionEvent("evt_paid_r", "checkout.session.completed", order, "paid"));
        using var manager = await SignedInAsync(app, a.Manager.Email!);
        var admin = await manager.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets");
        var ticketForm = admin.Document.QuerySelector($"tr[data-order='{order.Id}'] form[action*='handler=RefundTicket']")!;
        var result = await manager.SubmitAsync(admin.Document, $"tr[data-order='{order.Id}'] form[action*='handler=RefundTicket']");
        Assert.Contains("Refunded 25.00 EUR", result.Text);
        Assert.NotNull(ticketForm);

        var call = app.Stripe.Calls.Single(c => c.Path == "/v1/refunds" && c.Form["metadata[order_id]"] == order.Id.ToString());
        Assert.Equal(("2500", "pi_" + order.Id.ToString("N")), (call.Form["amount"], call.Form["payment_intent"]));
        Assert.Equal("refund:" + call.Form["metadata[refund_id]"], call.IdempotencyKey);

        // Stripe then tells us about the same refund; it must not be recorded a second time.
        var charge = $$$"""{"id":"evt_ch_1","object":"event","api_version":"{{{StripeConfiguration.ApiVersion}}}","type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge","payment_intent":"pi_{{{order.Id:N}}}","amount_refunded":2500,"currency":"eur"} } }""";
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(charge)).StatusCode);
        await using var db = app.CreateDb();
        var saved = await db.Set<Order>().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((OrderStatus.PartiallyRefunded, 2500L), (saved.Status, saved.RefundedMinor));
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id && t.Status == TicketStatus.Refunded));
        Assert.Equal(1, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Sold);
    }

    [Fact]
    public async Task Local_test_payment_page_is_not_available_when_stripe_is_configured()
    {
        var (order, _) = await PendingOrderAsync(1);
        using var fan = await SignedInAsync(app, order.BuyerEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/pay/test/{order.Id}")).Status);
    }

    private sealed record PendingOrder(Guid Id, long TotalMinor, string? SessionId, string BuyerEmail);

    private async Task<(PendingOrder, Arranged)> PendingOrderAsync(int quantity, int capacity = 50)
    {
        var a = await EventWithTicketsAsync(app, capacity: capacity);
        var email = $"wh-{Guid.NewGuid():N}@example.com";
        await UserAsync(app, email);
        using var fan = await SignedInAsync(app, email);
        Assert.True((await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, quantity))).IsRedirect());
        await using var db = app.CreateDb();
        var order = await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id);
        return (new PendingOrder(order.Id, order.TotalMinor, order.ProviderSessionId, email), a);
    }

    private async Task<Guid> OrderIdAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Order>().Where(o => o.ReferenceId == eventId).Select(o => o.Id).SingleAsync();
    }

    private async Task AssertNoTicketsAsync(Guid orderId, OrderStatus expected)
    {
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Ticket>().CountAsync(t => t.OrderId == orderId));
        Assert.Equal(expected, (await db.Set<Order>().SingleAsync(o => o.Id == orderId)).Status);
    }

    private static string SessionEvent(string eventId, string type, PendingOrder order, string paymentStatus, long? amount = null, string currency = "eur",
        string? apiVersion = null) =>
        $$$"""
        {"id":"{{{eventId}}}","object":"event","api_version":"{{{apiVersion ?? StripeConfiguration.ApiVersion}}}","type":"{{{type}}}","created":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},
         "data":{"object":{"id":"{{{order.SessionId}}}","object":"checkout.session","client_reference_id":"{{{order.Id}}}","metadata":{"order_id":"{{{order.Id}}}"},
         "payment_status":"{{{paymentStatus}}}","amount_total":{{{amount ?? order.TotalMinor}}},"currency":"{{{currency}}}","payment_intent":"pi_{{{order.Id:N}}}"} } }
        """;

    private static string Header(string body, long timestamp, string secret = StripeApp.WebhookSecret) =>
        StripeSigning.Header(body, timestamp, secret);

    private async Task<HttpResponseMessage> PostWebhookAsync(string body, string? header = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseAddress, "/webhooks/stripe"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        header ??= Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        if (header != "") request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        return await Raw.SendAsync(request);
    }
}

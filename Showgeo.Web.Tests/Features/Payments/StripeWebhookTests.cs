using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using StripeConfiguration = Stripe.StripeConfiguration;

using static Showgeo.Web.Tests.Features.Payments.StripeApp;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>Stripe's webhook: signed deliveries fulfil, release or refund orders exactly once; anything else is refused or ignored.</summary>
public sealed class StripeWebhookTests(StripeApp app) : IClassFixture<StripeApp>
{

    [Fact]
    public async Task Completed_webhook_issues_tickets_once_and_a_replay_changes_nothing()
    {
        var a = await app.EventWithTicketsAsync();
        var (order, _) = await app.PendingOrderAsync(a, 2);
        var body = SessionEvent("evt_done_1", "checkout.session.completed", order, "paid");
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
        // A different event id for the same payment (Stripe retried after a timeout) must not issue more tickets either.
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_done_2", "checkout.session.async_payment_succeeded", order, "paid"))).StatusCode);

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
        var (order, _) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        var body = SessionEvent("evt_bad_1", "checkout.session.completed", order, "paid");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync(body, Header(body, now, "whsec_wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync(body, Header(body, now - 301))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync(body, header: "")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync(body, Header(body, now) + "x")).StatusCode);
        var tampered = body.Replace("\"amount_total\":", "\"amount_total\":1");
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync(tampered, Header(body, now))).StatusCode);

        await AssertNoTicketsAsync(order.Id, OrderStatus.Pending);
        // Rejected deliveries are not recorded, so Stripe's correctly signed retry still fulfils.
        // Just inside the tolerance (recomputed: the steps above take time on a busy machine).
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body, Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 280))).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
    }

    [Fact]
    public async Task A_rotated_secret_header_with_several_v1_signatures_is_accepted()
    {
        var (order, _) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        var body = SessionEvent("evt_rot_1", "checkout.session.completed", order, "paid");
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = $"t={t},v1={StripeSigning.Signature(t, body, "whsec_old")},v1={StripeSigning.Signature(t, body, StripeApp.WebhookSecret)}";
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body, header)).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(x => x.OrderId == order.Id));
    }

    [Fact]
    public async Task An_event_of_another_api_release_is_still_fulfilled_and_the_operator_is_warned()
    {
        // Decided: a paid order must not wait on a Dashboard setting, so a mismatched release is processed and logged.
        var (order, _) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        var body = SessionEvent("evt_oldver_1", "checkout.session.completed", order, "paid", apiVersion: "2025-03-31.basil");
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
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
        var (order, _) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        var body = SessionEvent("evt_samever_1", "checkout.session.completed", order, "paid", apiVersion: "2026-12-09.endive");
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(body)).StatusCode);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains("evt_samever_1"));
    }

    [Fact]
    public async Task A_correctly_signed_body_that_is_not_an_event_is_rejected()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync("not json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync("[1,2]")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostWebhookAsync("""{"object":"event","type":"checkout.session.completed"}""")).StatusCode);
    }

    [Fact]
    public async Task Unknown_event_types_and_unpaid_completions_are_acknowledged_and_ignored()
    {
        var (order, _) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_unk_1", "customer.created", order, "paid"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_unpaid_1", "checkout.session.completed", order, "unpaid"))).StatusCode);
        await AssertNoTicketsAsync(order.Id, OrderStatus.Pending);
    }

    [Fact]
    public async Task An_amount_or_currency_that_does_not_match_the_order_issues_no_tickets()
    {
        var (order, _) = await app.PendingOrderAsync(await app.EventWithTicketsAsync(), 1);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_amt_1", "checkout.session.completed", order, "paid", amount: order.TotalMinor - 1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_cur_1", "checkout.session.completed", order, "paid", currency: "usd"))).StatusCode);
        await AssertNoTicketsAsync(order.Id, OrderStatus.Pending);
    }

    [Fact]
    public async Task Expired_session_releases_the_hold_and_a_late_completion_re_reserves_when_seats_remain()
    {
        var a = await app.EventWithTicketsAsync(capacity: 10);
        var (order, _) = await app.PendingOrderAsync(a, 2);
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_exp_1", "checkout.session.expired", order, "unpaid"))).StatusCode);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(OrderStatus.Expired, (await db.Set<Order>().SingleAsync(o => o.Id == order.Id)).Status);
            Assert.Equal(0, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Held);
        }
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_late_1", "checkout.session.completed", order, "paid"))).StatusCode);
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
        var a = await app.EventWithTicketsAsync(capacity: 1);
        var (order, _) = await app.PendingOrderAsync(a, 1);
        await app.PostWebhookAsync(SessionEvent("evt_exp_2", "checkout.session.expired", order, "unpaid"));
        await app.PendingOrderAsync(a, 1);

        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(SessionEvent("evt_late_2", "checkout.session.completed", order, "paid"))).StatusCode);
        await AssertNoTicketsAsync(order.Id, OrderStatus.Refunded);
        var refund = app.Stripe.Calls.Single(c => c.Path == "/v1/refunds" && c.Form["metadata[order_id]"] == order.Id.ToString());
        Assert.Equal("pi_" + order.Id.ToString("N"), refund.Form["payment_intent"]);
        Assert.Equal(order.TotalMinor.ToString(CultureInfo.InvariantCulture), refund.Form["amount"]);
        Assert.StartsWith("refund:", refund.IdempotencyKey);
        await using var db = app.CreateDb();
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 1), (type.Sold, type.Held));
        // Never paid for in the end: no OrderPaid, but the refund is announced like any other.
        var events = (await db.Set<OutboxMessage>().AsNoTracking().Select(m => new { m.Type, m.Payload }).ToListAsync())
            .Where(m => m.Payload.Contains(order.Id.ToString())).Select(m => m.Type).ToList();
        Assert.Equal([nameof(OrderRefunded)], events);
    }

    [Fact]
    public async Task Manager_refund_goes_through_the_stripe_refunds_api_and_charge_refunded_is_not_counted_twice()
    {
        var a = await app.EventWithTicketsAsync();
        var (order, _) = await app.PaidOrderAsync(a, 2);
        using var manager = await app.SignedInAsync(a.Manager);
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
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(charge)).StatusCode);
        await using var db = app.CreateDb();
        var saved = await db.Set<Order>().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((OrderStatus.PartiallyRefunded, 2500L), (saved.Status, saved.RefundedMinor));
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id && t.Status == TicketStatus.Refunded));
        Assert.Equal(1, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Sold);
    }

    private async Task AssertNoTicketsAsync(Guid orderId, OrderStatus expected)
    {
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Ticket>().CountAsync(t => t.OrderId == orderId));
        Assert.Equal(expected, (await db.Set<Order>().SingleAsync(o => o.Id == orderId)).Status);
    }
}

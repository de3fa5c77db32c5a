using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Tests.Features.Payments;
using Showgeo.Web.Tests.Infrastructure;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace Showgeo.Web.Tests.Features.Memberships;

/// <summary>
/// Memberships with Stripe configured: the real Stripe.net client creates subscription-mode Checkout sessions, portal
/// sessions and cancellations on the fake Stripe, and signed webhooks keep each membership true whatever their order.
/// </summary>
public sealed class StripeMembershipTests(StripeApp app) : IClassFixture<StripeApp>
{
    private static long Unix(DateTimeOffset t) => t.ToUnixTimeSeconds();

    private static string Envelope(string id, string type, DateTimeOffset created, string obj) =>
        $$$$"""{"id":"{{{{id}}}}","object":"event","api_version":"{{{{StripeConfiguration.ApiVersion}}}}","type":"{{{{type}}}}","created":{{{{Unix(created)}}}},"data":{"object":{{{{obj}}}}}}""";

    public static string Completed(string id, Guid membershipId, DateTimeOffset created, string sub, string customer) => Envelope(id, "checkout.session.completed", created,
        $$$$"""{"id":"cs_{{{{membershipId:N}}}}","object":"checkout.session","mode":"subscription","client_reference_id":"{{{{membershipId}}}}","metadata":{"membership_id":"{{{{membershipId}}}}"},"payment_status":"paid","subscription":"{{{{sub}}}}","customer":"{{{{customer}}}}","created":{{{{Unix(created)}}}}}""");

    public static string Invoice(string id, string type, Guid membershipId, DateTimeOffset created, string sub, DateTimeOffset periodStart, DateTimeOffset periodEnd) =>
        Envelope(id, type, created,
            $$$$"""{"id":"in_{{{{id}}}}","object":"invoice","customer":"cus_{{{{membershipId:N}}}}","parent":{"type":"subscription_details","subscription_details":{"subscription":"{{{{sub}}}}","metadata":{"membership_id":"{{{{membershipId}}}}"}}},"lines":{"object":"list","data":[{"id":"il_{{{{id}}}}","object":"line_item","period":{"start":{{{{Unix(periodStart)}}}},"end":{{{{Unix(periodEnd)}}}}}}]}}""");

    public static string Subscription(string id, string type, Guid membershipId, DateTimeOffset created, string sub, bool cancelAtPeriodEnd, DateTimeOffset? endedAt) =>
        Envelope(id, type, created,
            $$$$"""{"id":"{{{{sub}}}}","object":"subscription","customer":"cus_{{{{membershipId:N}}}}","status":"{{{{(endedAt is null ? "active" : "canceled")}}}}","cancel_at_period_end":{{{{(cancelAtPeriodEnd ? "true" : "false")}}}},"ended_at":{{{{Ended(endedAt)}}}},"metadata":{"membership_id":"{{{{membershipId}}}}"}}""");

    private static string Ended(DateTimeOffset? endedAt) => endedAt is { } e ? Unix(e).ToString() : "null";

    private async Task<string> DeliverAsync(string body)
    {
        using var r = await app.PostWebhookAsync(body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    /// <summary>A fan who started joining: the pending membership the join page writes, as the webhooks find it.</summary>
    private async Task<Membership> PendingAsync()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, priceMinor: 800);
        var fan = await app.UserAsync();
        var now = DateTimeOffset.UtcNow;
        var m = new Membership
        {
            Id = Guid.CreateVersion7(), TierId = tier.Id, EntityId = entity.Id, UserId = fan.Id, Status = MembershipStatus.Pending,
            PriceMinor = 800, Currency = "EUR", HoldUntil = now.AddMinutes(31), CreatedAt = now, UpdatedAt = now,
        };
        await using var db = app.CreateDb();
        db.Add(m);
        await db.SaveChangesAsync();
        return m;
    }

    [Fact]
    public async Task Joining_creates_a_subscription_checkout_on_stripe_and_the_completed_session_makes_the_fan_a_member()
    {
        var entity = await app.EntityAsync(name: "Luna Stripe");
        var tier = await app.TierAsync(entity.Id, "Patron", priceMinor: 1200, currency: "GBP");
        var (fan, fanUser) = await app.SignedInUserAsync("member-stripe@example.com");

        using var joined = await fan.JoinAsync(tier.Id);
        Assert.True(joined.IsRedirect(), await joined.Content.ReadAsStringAsync());
        var m = Assert.Single(await app.MembershipsAsync(fanUser.Id));
        Assert.Equal((MembershipStatus.Pending, false, (DateTimeOffset?)null), (m.Status, m.IsTest, m.AccessUntil));
        Assert.Equal($"https://checkout.stripe.test/pay/{m.Id}", joined.Headers.Location!.ToString());
        var call = app.Stripe.Calls.Single(c => c.Path == "/v1/checkout/sessions" && c.Form["client_reference_id"] == m.Id.ToString());
        Assert.Equal("subscription", call.Form["mode"]);
        Assert.Equal("1200", call.Form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("gbp", call.Form["line_items[0][price_data][currency]"]);
        Assert.Equal("month", call.Form["line_items[0][price_data][recurring][interval]"]);
        Assert.Equal(m.Id.ToString(), call.Form["metadata[membership_id]"]);
        Assert.Equal(m.Id.ToString(), call.Form["subscription_data[metadata][membership_id]"]);
        Assert.Equal("member-stripe@example.com", call.Form["customer_email"]);
        Assert.Equal($"membership-checkout:{m.Id}", call.IdempotencyKey);
        Assert.Equal(StripeConfiguration.ApiVersion, call.StripeVersion);
        Assert.Equal(m.HoldUntil!.Value.ToUnixTimeSeconds(), long.Parse(call.Form["expires_at"]));

        var now = DateTimeOffset.UtcNow;
        Assert.Contains("MembershipActive", await DeliverAsync(Completed("evt_join_" + m.Id.ToString("N"), m.Id, now, "sub_" + m.Id.ToString("N"), "cus_join")));
        var active = await app.MembershipAsync(m.Id);
        Assert.Equal((MembershipStatus.Active, "sub_" + m.Id.ToString("N"), "cus_join"), (active.Status, active.StripeSubscriptionId, active.StripeCustomerId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Unix(now)).AddMonths(1), active.AccessUntil);

        var page = await fan.GetAsync("/me/memberships");
        Assert.Null(page.Document.QuerySelector("[data-testid=simulate-renewal]"));
        using (var portal = await fan.SubmitRawAsync(page.Document, "form[action*='handler=Portal']"))
            Assert.Equal("https://billing.stripe.test/session/cus_join", portal.Headers.Location?.ToString());
        var portalCall = app.Stripe.Calls.Single(c => c.Path == "/v1/billing_portal/sessions" && c.Form["customer"] == "cus_join");
        Assert.EndsWith("/me/memberships", portalCall.Form["return_url"]);

        var cancelled = await fan.SubmitAsync(page.Document, "form[action*='handler=Cancel']");
        Assert.StartsWith("Cancelled: access until", cancelled.Document.QuerySelector("[data-testid=membership-status]")!.TextContent);
        var cancelCall = app.Stripe.Calls.Single(c => c.Path == $"/v1/subscriptions/sub_{m.Id:N}");
        Assert.Equal("true", cancelCall.Form["cancel_at_period_end"]);
        Assert.True((await app.MembershipAsync(m.Id)).CancelAtPeriodEnd);
    }

    [Fact]
    public async Task When_stripe_refuses_the_checkout_the_fan_is_told_and_the_place_is_given_back()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, "Only one", limit: 1);
        var (fan, fanUser) = await app.SignedInUserAsync();
        using (app.Stripe.FailNext("/v1/checkout/sessions", 2))
        using (var r = await fan.JoinAsync(tier.Id))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("payment provider", await r.Content.ReadAsStringAsync());
        }
        var (rival, _) = await app.SignedInUserAsync();
        using var second = await rival.JoinAsync(tier.Id);
        Assert.True(second.IsRedirect(), await second.Content.ReadAsStringAsync());
        Assert.Equal(MembershipStatus.Pending, Assert.Single(await app.MembershipsAsync(fanUser.Id)).Status);
    }

    // The lifecycle, in the order Stripe would send it: C completes the checkout (period P1 = T0 + 1 month), F is a
    // failed renewal at T1, R a paid renewal at T2 (period P2 = P1 + 1 month), U sets cancel_at_period_end at T3, D
    // deletes the subscription at T4. Every pair, delivered in both orders, ends in the state of the pair in order.
    public enum Step { C, F, R, U, D }

    public static TheoryData<Step, Step, bool> Pairs()
    {
        var data = new TheoryData<Step, Step, bool>();
        var steps = Enum.GetValues<Step>();
        for (var i = 0; i < steps.Length; i++)
            for (var j = i + 1; j < steps.Length; j++)
            {
                data.Add(steps[i], steps[j], false);
                data.Add(steps[i], steps[j], true);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Every_pair_of_subscription_events_in_either_order_ends_in_the_same_state(Step first, Step second, bool reversed)
    {
        var m = await PendingAsync();
        var t0 = DateTimeOffset.FromUnixTimeSeconds(Unix(DateTimeOffset.UtcNow.AddHours(-1)));
        var p1 = t0.AddMonths(1);
        var p2 = p1.AddMonths(1);
        var sub = $"sub_{m.Id:N}";
        var tag = m.Id.ToString("N");
        string Body(Step s) => s switch
        {
            Step.C => Completed($"evt_c_{tag}", m.Id, t0, sub, $"cus_{tag}"),
            Step.F => Invoice($"evt_f_{tag}", "invoice.payment_failed", m.Id, t0.AddDays(1), sub, p1, p2),
            Step.R => Invoice($"evt_r_{tag}", "invoice.paid", m.Id, t0.AddDays(2), sub, p1, p2),
            Step.U => Subscription($"evt_u_{tag}", "customer.subscription.updated", m.Id, t0.AddDays(3), sub, true, null),
            _ => Subscription($"evt_d_{tag}", "customer.subscription.deleted", m.Id, t0.AddDays(4), sub, true, t0.AddDays(4)),
        };

        var pair = new[] { first, second };
        if (first != Step.C) await DeliverAsync(Body(Step.C));
        foreach (var step in reversed ? pair.Reverse() : pair) await DeliverAsync(Body(step));

        var has = new HashSet<Step>(pair) { Step.C };
        var (status, access) =
            has.Contains(Step.D) ? (MembershipStatus.Ended, t0.AddDays(4))
            : has.Contains(Step.F) && !has.Contains(Step.R) ? (MembershipStatus.PastDue, p1.AddDays(3))
            : (MembershipStatus.Active, has.Contains(Step.R) ? p2 : p1);
        var after = await app.MembershipAsync(m.Id);
        Assert.Equal((status, (DateTimeOffset?)access, has.Contains(Step.U), sub), (after.Status, after.AccessUntil, after.CancelAtPeriodEnd, after.StripeSubscriptionId));
        Assert.Equal(status == MembershipStatus.Ended ? t0.AddDays(4) : null, after.EndedAt);
    }

    [Fact]
    public async Task Duplicate_deliveries_are_recorded_once_and_change_nothing()
    {
        var m = await PendingAsync();
        var t0 = DateTimeOffset.FromUnixTimeSeconds(Unix(DateTimeOffset.UtcNow.AddHours(-1)));
        var sub = $"sub_{m.Id:N}";
        var tag = m.Id.ToString("N");
        var completed = Completed($"evt_dc_{tag}", m.Id, t0, sub, $"cus_{tag}");
        var failed = Invoice($"evt_df_{tag}", "invoice.payment_failed", m.Id, t0.AddDays(1), sub, t0.AddMonths(1), t0.AddMonths(2));
        var renewed = Invoice($"evt_dr_{tag}", "invoice.paid", m.Id, t0.AddDays(2), sub, t0.AddMonths(1), t0.AddMonths(2));

        foreach (var body in new[] { completed, completed, renewed, failed, renewed, failed, completed })
            await DeliverAsync(body);
        Assert.Contains("Duplicate", await DeliverAsync(failed));

        var after = await app.MembershipAsync(m.Id);
        Assert.Equal((MembershipStatus.Active, (DateTimeOffset?)t0.AddMonths(2)), (after.Status, after.AccessUntil));
        await using var db = app.CreateDb();
        Assert.Equal(3, await db.Set<PaymentEvent>().CountAsync(e => e.ExternalId.EndsWith(tag)));
        var started = await db.Set<Showgeo.Web.Infrastructure.Outbox.OutboxMessage>().Where(o => o.Type == nameof(MembershipStarted)).Select(o => o.Payload).ToListAsync();
        Assert.Single(started, p => p.Contains(m.Id.ToString()));
    }

    [Fact]
    public async Task A_lapsed_past_due_membership_loses_access_and_a_late_renewal_restores_it()
    {
        var m = await PendingAsync();
        // A period that ended five days ago, its renewal failed then: past the three-day grace period now.
        var t0 = DateTimeOffset.FromUnixTimeSeconds(Unix(DateTimeOffset.UtcNow.AddDays(-5).AddMonths(-1)));
        var sub = $"sub_{m.Id:N}";
        var tag = m.Id.ToString("N");
        await DeliverAsync(Completed($"evt_lc_{tag}", m.Id, t0, sub, $"cus_{tag}"));
        await DeliverAsync(Invoice($"evt_lf_{tag}", "invoice.payment_failed", m.Id, t0.AddMonths(1), sub, t0.AddMonths(1), t0.AddMonths(2)));
        await using (var db = app.CreateDb())
            Assert.Null(await MembershipAccess.RankAsync(db, m.UserId, m.EntityId, DateTimeOffset.UtcNow));
        Assert.Equal(MembershipStatus.PastDue, (await app.MembershipAsync(m.Id)).Status);

        await DeliverAsync(Invoice($"evt_lr_{tag}", "invoice.paid", m.Id, DateTimeOffset.UtcNow.AddMinutes(-1), sub, t0.AddMonths(1), t0.AddMonths(2)));
        await using var check = app.CreateDb();
        Assert.Equal(1, await MembershipAccess.RankAsync(check, m.UserId, m.EntityId, DateTimeOffset.UtcNow));
        Assert.Equal(MembershipStatus.Active, (await app.MembershipAsync(m.Id)).Status);
    }

    [Fact]
    public async Task An_unsigned_subscription_event_is_refused_and_changes_nothing()
    {
        var m = await PendingAsync();
        var body = Completed($"evt_unsigned_{m.Id:N}", m.Id, DateTimeOffset.UtcNow, $"sub_{m.Id:N}", "cus_x");
        using (var r = await app.PostWebhookAsync(body, StripeApp.Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "whsec_wrong")))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(MembershipStatus.Pending, (await app.MembershipAsync(m.Id)).Status);
    }
}

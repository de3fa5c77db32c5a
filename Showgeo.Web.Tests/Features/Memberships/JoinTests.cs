using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Features.Notifications;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Memberships;

/// <summary>Joining with the app's test payments (no Stripe), the fan's page, cancelling and simulated renewals.</summary>
public sealed class JoinTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task A_fan_joins_from_the_entity_page_pays_with_a_test_payment_and_sees_the_membership()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, "Supporter", priceMinor: 450);
        var (fan, fanUser) = await app.SignedInUserAsync();

        var profile = await fan.GetAsync($"/e/{entity.Slug}");
        using var joined = await fan.SubmitRawAsync(profile.Document, $"#membership-tiers form[action$='/join/{tier.Id}']");
        Assert.True(joined.IsRedirect());
        var pay = await fan.GetAsync(joined.Headers.Location!.OriginalString);
        Assert.Contains("Supporter membership of", pay.Text);
        var mine = await fan.SubmitAsync(pay.Document, "form[action$='handler=Pay']");

        Assert.Equal("/me/memberships", mine.Path);
        var row = mine.Document.QuerySelector("[data-testid=my-membership]")!;
        Assert.Equal("Supporter", row.QuerySelector("[data-testid=membership-tier]")!.TextContent);
        Assert.StartsWith("Active: renews", row.QuerySelector("[data-testid=membership-status]")!.TextContent);
        var m = Assert.Single(await app.MembershipsAsync(fanUser.Id));
        Assert.Equal((MembershipStatus.Active, 450L, "EUR", true), (m.Status, m.PriceMinor, m.Currency, m.IsTest));
        Assert.InRange(m.AccessUntil!.Value, DateTimeOffset.UtcNow.AddDays(27), DateTimeOffset.UtcNow.AddDays(32));
        await using var db = app.CreateDb();
        var started = await db.Set<OutboxMessage>().Where(o => o.Type == nameof(MembershipStarted)).Select(o => o.Payload).ToListAsync();
        Assert.Single(started, p => p.Contains(m.Id.ToString()));
        Assert.Equal(OrderStatus.Paid, (await db.Set<Order>().SingleAsync(o => o.Id == m.OrderId)).Status);
        Assert.Equal(1, await MembershipAccess.RankAsync(db, fanUser.Id, entity.Id, DateTimeOffset.UtcNow));

        profile = await fan.GetAsync($"/e/{entity.Slug}");
        Assert.Contains("You are a member: Supporter", profile.Document.QuerySelector("[data-testid=my-tier]")!.TextContent);
        var notice = await app.StoredAsync($"membership-started:{m.Id}");
        Assert.Equal((fanUser.Id, $"You are a Supporter member of {entity.Name}"), (notice.UserId!.Value, notice.Title));
    }

    [Fact]
    public async Task Joining_twice_an_archived_tier_a_suspended_entity_or_an_unknown_tier_is_refused_and_writes_nothing()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, "Supporter");
        var higher = await app.TierAsync(entity.Id, "Patron", rank: 2);
        var archived = await app.TierAsync(entity.Id, "Old", rank: 3, archived: true);
        var suspended = await app.EntityAsync(suspended: true);
        var suspendedTier = await app.TierAsync(suspended.Id);
        var (fan, fanUser) = await app.SignedInUserAsync();
        await fan.JoinAndPayAsync(app, tier.Id, fanUser.Id);

        foreach (var (tierId, expected) in new[]
                 {
                     (tier.Id, "You are already a member of"), (higher.Id, "You are already a member of"),
                     (archived.Id, "Old is no longer open to new members."),
                 })
        {
            using var r = await fan.JoinAsync(tierId);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains(expected, WebClient.Parse(await r.Content.ReadAsStringAsync()).QuerySelector("[data-testid=join-error]")!.TextContent);
        }
        using (var r = await fan.JoinAsync(suspendedTier.Id)) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await fan.JoinAsync(Guid.NewGuid())) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await fan.PostAsync("/memberships/join/garbage", (await fan.GetAsync("/")).Document)) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);

        Assert.Single(await app.MembershipsAsync(fanUser.Id));
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Order>().CountAsync(o => o.UserId == fanUser.Id));
    }

    [Fact]
    public async Task A_price_change_after_joining_applies_to_new_members_only()
    {
        var (owner, ownerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(ownerUser.Id, EntityRole.Owner)]);
        var tier = await app.TierAsync(entity.Id, "Supporter", priceMinor: 500);
        var (early, earlyUser) = await app.SignedInUserAsync();
        var first = await early.JoinAndPayAsync(app, tier.Id, earlyUser.Id);

        var manage = await owner.GetAsync($"/manage/{entity.Slug}/memberships");
        await owner.SubmitAsync(manage.Document, $"form[action*='handler=Update'][action*='tierId={tier.Id}']",
            new Dictionary<string, string> { ["Input.Price"] = "9.00" });
        var (late, lateUser) = await app.SignedInUserAsync();
        var second = await late.JoinAndPayAsync(app, tier.Id, lateUser.Id);

        Assert.Equal(500L, (await app.MembershipAsync(first.Id)).PriceMinor);
        Assert.Equal(900L, second.PriceMinor);
        await using var db = app.CreateDb();
        Assert.Equal(900L, (await db.Set<Order>().SingleAsync(o => o.Id == second.OrderId)).TotalMinor);
        manage = await owner.GetAsync($"/manage/{entity.Slug}/memberships");
        Assert.Equal("14.00 EUR", manage.Document.QuerySelector("[data-testid=mrr]")!.TextContent);
        Assert.Contains("9.00 EUR a month", (await early.GetAsync($"/memberships/join/{tier.Id}")).Text);
        Assert.Contains("5.00 EUR a month", (await early.GetAsync("/me/memberships")).Document.QuerySelector("[data-testid=my-membership]")!.TextContent);
    }

    [Fact]
    public async Task A_fan_cancels_at_the_period_end_and_cannot_cancel_someone_elses_membership()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id);
        var (fan, fanUser) = await app.SignedInUserAsync();
        var (other, otherUser) = await app.SignedInUserAsync();
        var theirs = await app.MembershipAsync((await app.MemberAsync(tier, otherUser.Id)).Id);
        var mine = await fan.JoinAndPayAsync(app, tier.Id, fanUser.Id);

        var page = await fan.GetAsync("/me/memberships");
        using (var r = await fan.PostAsync($"/me/memberships?handler=Cancel&membershipId={theirs.Id}", page.Document))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await fan.PostAsync("/me/memberships?handler=Cancel&membershipId=garbage", page.Document))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var untouched = await app.MembershipAsync(theirs.Id);
        Assert.Equal((false, MembershipStatus.Active, theirs.AccessUntil), (untouched.CancelAtPeriodEnd, untouched.Status, untouched.AccessUntil));

        var cancelled = await fan.SubmitAsync(page.Document, $"form[action*='handler=Cancel'][action*='membershipId={mine.Id}']");
        Assert.Contains("it will not renew", cancelled.Text);
        Assert.StartsWith("Cancelled: access until", cancelled.Document.QuerySelector("[data-testid=membership-status]")!.TextContent);
        Assert.Null(cancelled.Document.QuerySelector("[data-testid=cancel-membership]"));
        var after = await app.MembershipAsync(mine.Id);
        Assert.True(after.CancelAtPeriodEnd);
        Assert.Equal(mine.AccessUntil, after.AccessUntil);
        await using var db = app.CreateDb();
        Assert.Equal(1, await MembershipAccess.RankAsync(db, fanUser.Id, entity.Id, DateTimeOffset.UtcNow));
        Assert.Null(await MembershipAccess.RankAsync(db, fanUser.Id, entity.Id, after.AccessUntil!.Value));

        // Cancelling again has nothing to cancel: a clear message, no change.
        using var again = await fan.PostAsync($"/me/memberships?handler=Cancel&membershipId={mine.Id}", page.Document);
        Assert.Contains("nothing to cancel", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failed_renewal_keeps_access_through_the_grace_period_lapses_after_it_and_a_renewal_restores_it()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id);
        var (fan, fanUser) = await app.SignedInUserAsync();
        var m = await fan.JoinAndPayAsync(app, tier.Id, fanUser.Id);

        var page = await fan.GetAsync("/me/memberships");
        var failed = await fan.SubmitAsync(page.Document, "form[action*='handler=SimulateFailedRenewal']");
        Assert.StartsWith("Payment failed: access until", failed.Document.QuerySelector("[data-testid=membership-status]")!.TextContent);
        var pastDue = await app.MembershipAsync(m.Id);
        Assert.Equal(MembershipStatus.PastDue, pastDue.Status);
        Assert.Equal(pastDue.CurrentPeriodEnd!.Value.AddDays(3), pastDue.AccessUntil);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(1, await MembershipAccess.RankAsync(db, fanUser.Id, entity.Id, DateTimeOffset.UtcNow));
            // Past the grace period access is gone at once.
            Assert.Null(await MembershipAccess.RankAsync(db, fanUser.Id, entity.Id, pastDue.AccessUntil!.Value.AddSeconds(1)));
            Assert.Empty(await MembershipAccess.BadgesAsync(db, entity.Id, [fanUser.Id], pastDue.AccessUntil!.Value.AddSeconds(1)));
            // Let the grace period run out for real.
            await db.Database.ExecuteSqlAsync($"UPDATE memberships SET current_period_end = now() - interval '4 days', access_until = now() - interval '1 day' WHERE id = {m.Id}");
            Assert.Null(await MembershipAccess.RankAsync(db, fanUser.Id, entity.Id, DateTimeOffset.UtcNow));
        }
        page = await fan.GetAsync("/me/memberships");
        Assert.Equal("Lapsed: the renewal payment failed", page.Document.QuerySelector("[data-testid=membership-status]")!.TextContent);

        var renewed = await fan.SubmitAsync(page.Document, "form[action*='handler=SimulateRenewal']");
        Assert.StartsWith("Active: renews", renewed.Document.QuerySelector("[data-testid=membership-status]")!.TextContent);
        var active = await app.MembershipAsync(m.Id);
        Assert.Equal(MembershipStatus.Active, active.Status);
        Assert.InRange(active.AccessUntil!.Value, DateTimeOffset.UtcNow.AddDays(27), DateTimeOffset.UtcNow.AddDays(32));
        await using var check = app.CreateDb();
        Assert.Equal(1, await MembershipAccess.RankAsync(check, fanUser.Id, entity.Id, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Simulations_are_refused_for_another_fans_membership()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id);
        var (fan, _) = await app.SignedInUserAsync();
        var other = await app.UserAsync();
        var theirs = await app.MembershipAsync((await app.MemberAsync(tier, other.Id)).Id);
        var tokens = (await fan.GetAsync("/me/memberships")).Document;
        foreach (var handler in new[] { "SimulateRenewal", "SimulateFailedRenewal", "Portal" })
        {
            using var r = await fan.PostAsync($"/me/memberships?handler={handler}&membershipId={theirs.Id}", tokens);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        var after = await app.MembershipAsync(theirs.Id);
        Assert.Equal((MembershipStatus.Active, theirs.AccessUntil, theirs.FailedSignalAt), (after.Status, after.AccessUntil, after.FailedSignalAt));
    }

    [Fact]
    public async Task Parallel_joins_for_the_last_place_let_exactly_one_fan_in()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, "Front row", limit: 2);
        var taken = await app.UserAsync();
        await app.MemberAsync(tier, taken.Id);
        var fans = new List<WebClient>();
        for (var i = 0; i < 6; i++) fans.Add((await app.SignedInUserAsync()).Client);
        var pages = await Task.WhenAll(fans.Select(f => f.GetAsync($"/memberships/join/{tier.Id}")));

        var responses = await Task.WhenAll(fans.Select((f, i) => f.SubmitRawAsync(pages[i].Document, $"form[action$='/join/{tier.Id}']")));
        var winners = responses.Count(r => r.IsRedirect());
        Assert.Equal(1, winners);
        foreach (var refused in responses.Where(r => !r.IsRedirect()))
            Assert.Contains("Front row is full", await refused.Content.ReadAsStringAsync());

        await using var db = app.CreateDb();
        Assert.Equal(2, await db.Set<Membership>().CountAsync(m => m.TierId == tier.Id));
        Assert.Equal(1, await db.Set<Order>().CountAsync(o => o.Kind == MembershipOrderKind.Name && o.ReferenceId == tier.Id));
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task An_abandoned_payment_gives_the_place_back_and_the_fan_can_join_again()
    {
        var entity = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, "Solo", limit: 1);
        var (fan, fanUser) = await app.SignedInUserAsync();
        var (rival, rivalUser) = await app.SignedInUserAsync();
        using (var joined = await fan.JoinAsync(tier.Id))
        {
            var pay = await fan.GetAsync(joined.Headers.Location!.OriginalString);
            using (var full = await rival.JoinAsync(tier.Id))
                Assert.Contains("Solo is full", await full.Content.ReadAsStringAsync());
            await fan.SubmitAsync(pay.Document, "form[action$='handler=Abandon']");
        }
        var m = await rival.JoinAndPayAsync(app, tier.Id, rivalUser.Id);
        Assert.Equal(MembershipStatus.Active, m.Status);
        using var late = await fan.JoinAsync(tier.Id);
        Assert.Contains("Solo is full", await late.Content.ReadAsStringAsync());
        Assert.Equal(MembershipStatus.Pending, Assert.Single(await app.MembershipsAsync(fanUser.Id)).Status);
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Tests.Features.Chat;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Memberships;

/// <summary>What membership unlocks elsewhere: events for members of a tier or above, and a badge in event chat.</summary>
public sealed class MembersOnlyTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task A_members_only_event_opens_to_the_tier_and_above_and_to_the_team_and_closes_again_when_access_lapses()
    {
        var (manager, managerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(name: "Members Entity", members: [(managerUser.Id, EntityRole.Manager)]);
        var low = await app.TierAsync(entity.Id, "Supporter", rank: 1);
        var mid = await app.TierAsync(entity.Id, "Patron", rank: 2);
        var high = await app.TierAsync(entity.Id, "Inner circle", rank: 3);
        var e = await app.EventAsync(entity.Id, isFree: true, description: "Secret set list");
        await using (var db = app.CreateDb())
            await db.Set<Event>().Where(x => x.Id == e.Id).ExecuteUpdateAsync(x => x
                .SetProperty(v => v.Visibility, EventVisibility.Members).SetProperty(v => v.MembersTierId, mid.Id));

        var (lowFan, lowUser) = await app.SignedInUserAsync();
        var (midFan, midUser) = await app.SignedInUserAsync();
        var (highFan, highUser) = await app.SignedInUserAsync();
        var (stranger, _) = await app.SignedInUserAsync();
        await app.MemberAsync(low, lowUser.Id);
        var midMembership = await app.MemberAsync(mid, midUser.Id);
        await app.MemberAsync(high, highUser.Id);
        using var anonymous = app.CreateClient();

        foreach (var outsider in new[] { anonymous, stranger, lowFan })
        {
            var page = await outsider.GetAsync($"/events/{e.Slug}");
            Assert.Contains("This event is for members of Members Entity only.", page.Document.QuerySelector("#members-only")?.TextContent);
            Assert.DoesNotContain("Secret set list", page.Text);
            Assert.Null(page.Document.QuerySelector("#rsvp"));
        }
        using (var post = await lowFan.PostAsync($"/events/{e.Slug}?handler=Rsvp", (await lowFan.GetAsync("/")).Document,
                   new Dictionary<string, string> { ["status"] = "Going" }, htmx: true))
            Assert.Contains(EventAccess.MembersOnlyMessage, await post.Content.ReadAsStringAsync());
        using (var chat = await lowFan.PostAsync($"/events/{e.Slug}/chat?handler=Message", (await lowFan.GetAsync("/")).Document,
                   new Dictionary<string, string> { ["text"] = "let me in" }, htmx: true))
            Assert.DoesNotContain("let me in", await chat.Content.ReadAsStringAsync());
        Assert.Empty(await app.MessagesAsync(e.Id));

        foreach (var insider in new[] { midFan, highFan, manager })
        {
            var page = await insider.GetAsync($"/events/{e.Slug}");
            Assert.Contains("Secret set list", page.Text);
            Assert.NotNull(page.Document.QuerySelector("#rsvp form.rsvp-going"));
        }

        // The renewal failed and the grace period is over: the member is shut out at once.
        await using (var db = app.CreateDb())
            await db.Database.ExecuteSqlAsync($"UPDATE memberships SET status = 'PastDue', failed_signal_at = now(), access_until = now() - interval '1 minute' WHERE id = {midMembership.Id}");
        Assert.NotNull((await midFan.GetAsync($"/events/{e.Slug}")).Document.QuerySelector("#members-only"));
    }

    [Fact]
    public async Task The_event_editor_offers_the_entitys_tiers_and_requires_one_for_a_members_only_event()
    {
        var (client, manager) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Owner)]);
        var other = await app.EntityAsync();
        var tier = await app.TierAsync(entity.Id, "Patron", rank: 2);
        var foreign = await app.TierAsync(other.Id, "Theirs");
        var e = await app.EventAsync(entity.Id, isFree: true, venue: "The Hall", city: "Leeds");
        var edit = await client.GetAsync($"/manage/{entity.Slug}/events/{e.Id}/edit");
        Assert.Equal(["", tier.Id.ToString()], edit.Document.QuerySelectorAll("#Input_MembersTierId option").Select(o => o.GetAttribute("value") ?? "").ToArray());

        foreach (var (chosen, why) in new[] { ("", "Pick which of this entity's membership tiers"), (foreign.Id.ToString(), "Pick which of this entity's membership tiers"), ("garbage", "is not valid") })
        {
            var refused = await client.SubmitAsync(edit.Document, "#event-form",
                new Dictionary<string, string> { ["Input.Visibility"] = "Members", ["Input.MembersTierId"] = chosen });
            Assert.Contains(why, refused.Text);
            await using var check = app.CreateDb();
            Assert.Equal(EventVisibility.Public, (await check.Set<Event>().SingleAsync(x => x.Id == e.Id)).Visibility);
        }
        await client.SubmitAsync(edit.Document, "#event-form",
            new Dictionary<string, string> { ["Input.Visibility"] = "Members", ["Input.MembersTierId"] = tier.Id.ToString() });
        await using var db = app.CreateDb();
        var saved = await db.Set<Event>().SingleAsync(x => x.Id == e.Id);
        Assert.Equal((EventVisibility.Members, (Guid?)tier.Id), (saved.Visibility, saved.MembersTierId));
    }

    [Fact]
    public async Task Members_get_their_tier_as_a_badge_beside_their_name_in_event_chat()
    {
        var s = await app.SceneAsync(fanName: "Badge Fan");
        var tier = await app.TierAsync(s.Entity.Id, "Inner circle", rank: 2);
        await app.TierAsync(s.Entity.Id, "Supporter", rank: 1);
        var elsewhere = await app.TierAsync((await app.EntityAsync()).Id, "Other entity tier");
        await app.MemberAsync(tier, s.Fan.Id);
        await app.MemberAsync(elsewhere, s.Manager.Id);
        await s.FanClient.SayAsync(s.Event, "hello from a member");
        await s.ManagerClient.SayAsync(s.Event, "hello from the manager");

        using var viewer = app.CreateClient();
        var page = await viewer.GetAsync(s.Event.EventUrl());
        var messages = page.Document.QuerySelectorAll("#chat-messages .chat-message").ToList();
        var fanMessage = messages.Single(m => m.TextContent.Contains("hello from a member"));
        Assert.Equal("Inner circle", fanMessage.QuerySelector("[data-testid=member-badge]")?.TextContent);
        Assert.Null(messages.Single(m => m.TextContent.Contains("hello from the manager")).QuerySelector("[data-testid=member-badge]"));
    }

    [Fact]
    public async Task Rank_is_the_highest_tier_with_access_and_badges_name_it()
    {
        var entity = await app.EntityAsync();
        var low = await app.TierAsync(entity.Id, "Low", rank: 1);
        var high = await app.TierAsync(entity.Id, "High", rank: 5);
        var fan = await app.UserAsync();
        var lapsed = await app.UserAsync();
        var stranger = await app.UserAsync();
        await app.MemberAsync(low, fan.Id);
        await app.MemberAsync(high, lapsed.Id, periodEnd: DateTimeOffset.UtcNow.AddMinutes(-5));
        var now = DateTimeOffset.UtcNow;
        await using var db = app.CreateDb();
        Assert.Equal(1, await MembershipAccess.RankAsync(db, fan.Id, entity.Id, now));
        Assert.Null(await MembershipAccess.RankAsync(db, lapsed.Id, entity.Id, now));
        Assert.Null(await MembershipAccess.RankAsync(db, stranger.Id, entity.Id, now));
        Assert.True(await MembershipAccess.HasTierOrAboveAsync(db, fan.Id, low.Id, now));
        Assert.False(await MembershipAccess.HasTierOrAboveAsync(db, fan.Id, high.Id, now));
        var badges = await MembershipAccess.BadgesAsync(db, entity.Id, [fan.Id, lapsed.Id, stranger.Id], now);
        Assert.Equal(new Dictionary<Guid, string> { [fan.Id] = "Low" }, badges);
    }

    [Fact]
    public async Task The_numbers_count_active_members_per_tier_revenue_per_currency_and_thirty_day_churn()
    {
        var (owner, ownerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(ownerUser.Id, EntityRole.Owner)]);
        var eur = await app.TierAsync(entity.Id, "Euro", priceMinor: 500, currency: "EUR");
        var gbp = await app.TierAsync(entity.Id, "Pound", rank: 2, priceMinor: 700, currency: "GBP");
        var now = DateTimeOffset.UtcNow;
        // Four members since long ago: two still active (EUR, GBP), one whose access ended ten days ago, one lapsed an hour ago.
        await app.MemberAsync(eur, (await app.UserAsync()).Id, createdAt: now.AddDays(-60));
        await app.MemberAsync(gbp, (await app.UserAsync()).Id, createdAt: now.AddDays(-60));
        await app.MemberAsync(eur, (await app.UserAsync()).Id, periodEnd: now.AddDays(-10), createdAt: now.AddDays(-60));
        await app.MemberAsync(gbp, (await app.UserAsync()).Id, periodEnd: now.AddHours(-1), createdAt: now.AddDays(-60));
        // A new member this month (not in the churn base) and one who left before the window (in neither).
        await app.MemberAsync(eur, (await app.UserAsync()).Id);
        await app.MemberAsync(eur, (await app.UserAsync()).Id, periodEnd: now.AddDays(-40), createdAt: now.AddDays(-90));

        var page = await owner.GetAsync($"/manage/{entity.Slug}/memberships");
        Assert.Equal("10.00 EUR + 7.00 GBP", page.Document.QuerySelector("[data-testid=mrr]")!.TextContent);
        Assert.Equal("50%", page.Document.QuerySelector("[data-testid=churn]")!.TextContent);
        Assert.Equal("2", page.Document.QuerySelector($"[data-tier='{eur.Id}'] [data-testid=tier-members]")!.TextContent);
        Assert.Equal("1", page.Document.QuerySelector($"[data-tier='{gbp.Id}'] [data-testid=tier-members]")!.TextContent);
    }
}

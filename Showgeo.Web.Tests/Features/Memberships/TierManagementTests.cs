using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Memberships;

/// <summary>/manage/{slug}/memberships: tiers are money, so only owners and managers create, edit and archive them.</summary>
public sealed class TierManagementTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static Dictionary<string, string> Tier(string name = "Supporter", string price = "5.00", string currency = "EUR",
        string rank = "1", string limit = "", string perks = "A badge") => new()
    {
        ["Input.Name"] = name, ["Input.Price"] = price, ["Input.Currency"] = currency, ["Input.Rank"] = rank,
        ["Input.MemberLimit"] = limit, ["Input.Perks"] = perks,
    };

    private async Task<List<MembershipTier>> TiersAsync(Guid entityId)
    {
        await using var db = app.CreateDb();
        return await db.Set<MembershipTier>().AsNoTracking().Where(t => t.EntityId == entityId).OrderBy(t => t.Rank).ToListAsync();
    }

    [Fact]
    public async Task An_owner_creates_edits_and_archives_tiers_and_fans_see_the_open_ones_on_the_entity_page()
    {
        var (owner, ownerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(ownerUser.Id, EntityRole.Owner)]);
        var page = await owner.GetAsync($"/manage/{entity.Slug}/memberships");
        Assert.Equal(HttpStatusCode.OK, page.Status);

        var created = await owner.SubmitAsync(page.Document, "#new-tier-form", Tier("Supporter", "3.50", "eur", "1", "", "Credits"));
        Assert.Contains("Added the tier Supporter.", created.Text);
        created = await owner.SubmitAsync(created.Document, "#new-tier-form", Tier("Inner circle", "12", "EUR", "2", "25"));
        var tiers = await TiersAsync(entity.Id);
        Assert.Equal([("Supporter", 1, 350L, "EUR", (int?)null), ("Inner circle", 2, 1200L, "EUR", 25)],
            tiers.Select(t => (t.Name, t.Rank, t.PriceMinor, t.Currency, t.MemberLimit)).ToArray());

        var inner = tiers[1];
        var edited = await owner.SubmitAsync(created.Document, $"form[action*='handler=Update'][action*='tierId={inner.Id}']",
            Tier("Inner circle", "15.00", "EUR", "3", "30"));
        Assert.Contains("Existing members keep their price.", edited.Text);
        Assert.Equal((1500L, 3, (int?)30), (await TiersAsync(entity.Id)).Select(t => (t.PriceMinor, t.Rank, t.MemberLimit)).Last());

        using var fan = app.CreateClient();
        var profile = await fan.GetAsync($"/e/{entity.Slug}");
        Assert.Equal(["Supporter", "Inner circle"], profile.Document.QuerySelectorAll("#membership-tiers [data-testid=tier] h3").Select(h => h.TextContent).ToArray());

        await owner.SubmitAsync(edited.Document, $"form[action*='handler=Archive'][action*='tierId={inner.Id}']");
        Assert.NotNull((await TiersAsync(entity.Id)).Last().ArchivedAt);
        profile = await fan.GetAsync($"/e/{entity.Slug}");
        Assert.Equal(["Supporter"], profile.Document.QuerySelectorAll("#membership-tiers [data-testid=tier] h3").Select(h => h.TextContent).ToArray());
    }

    [Fact]
    public async Task Outsiders_get_404_and_coordinators_403_on_every_handler_and_nothing_is_written()
    {
        var owner = await app.UserAsync();
        var (coordinator, coordinatorUser) = await app.SignedInUserAsync();
        var (outsider, _) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner), (coordinatorUser.Id, EntityRole.Coordinator)]);
        var tier = await app.TierAsync(entity.Id, priceMinor: 500);
        var url = $"/manage/{entity.Slug}/memberships";
        var tokens = (await outsider.GetAsync("/")).Document;
        var coordinatorTokens = (await coordinator.GetAsync("/")).Document;

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(url)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.GetAsync(url)).Status);
        foreach (var handler in new[] { "Create", $"Update&tierId={tier.Id}", $"Archive&tierId={tier.Id}" })
        {
            using (var r = await outsider.PostAsync($"{url}?handler={handler}", tokens, Tier("Hijack", "0.01")))
                Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            using (var r = await coordinator.PostAsync($"{url}?handler={handler}", coordinatorTokens, Tier("Hijack", "0.01")))
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
        using (var anonymous = app.CreateClient())
        using (var r = await anonymous.Http.GetAsync(url))
            Assert.Contains("/account/login", r.Headers.Location?.ToString() ?? r.RequestMessage!.RequestUri!.ToString(), StringComparison.OrdinalIgnoreCase);

        var after = Assert.Single(await TiersAsync(entity.Id));
        Assert.Equal(("Supporter", 500L, (DateTimeOffset?)null), (after.Name, after.PriceMinor, after.ArchivedAt));
    }

    [Theory]
    [InlineData("", "5.00", "EUR", "1", "", "Give the tier a name")]
    [InlineData("Free", "0", "EUR", "1", "", "Enter a monthly price above zero")]
    [InlineData("Negative", "-5", "EUR", "1", "", "Enter a monthly price above zero")]
    [InlineData("Absurd", "99999999", "EUR", "1", "", "A monthly price can be at most 10000.00 EUR")]
    [InlineData("Fractions", "1.234", "EUR", "1", "", "Enter a monthly price above zero")]
    [InlineData("Money", "5.00", "ZZZ", "1", "", "Use an ISO currency code")]
    [InlineData("Rank", "5.00", "EUR", "0", "", "The order must be between 1")]
    [InlineData("Limit", "5.00", "EUR", "1", "0", "The member limit must be between 1")]
    [InlineData("Garbage", "5.00", "EUR", "abc", "", "")]
    public async Task Bad_tier_input_returns_the_form_with_a_reason_and_writes_nothing(string name, string price, string currency,
        string rank, string limit, string message)
    {
        var (owner, ownerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(ownerUser.Id, EntityRole.Manager)]);
        var page = await owner.GetAsync($"/manage/{entity.Slug}/memberships");
        var result = await owner.SubmitAsync(page.Document, "#new-tier-form", Tier(name, price, currency, rank, limit));
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.NotNull(result.Document.QuerySelector(".errors"));
        Assert.Contains(message, result.Document.QuerySelector(".errors")!.TextContent);
        Assert.Empty(await TiersAsync(entity.Id));
    }

    [Fact]
    public async Task A_tier_of_another_entity_or_a_garbage_id_is_404_and_unchanged()
    {
        var (owner, ownerUser) = await app.SignedInUserAsync();
        var mine = await app.EntityAsync(members: [(ownerUser.Id, EntityRole.Owner)]);
        var other = await app.EntityAsync();
        var foreign = await app.TierAsync(other.Id, priceMinor: 700);
        var tokens = (await owner.GetAsync($"/manage/{mine.Slug}/memberships")).Document;
        using (var r = await owner.PostAsync($"/manage/{mine.Slug}/memberships?handler=Update&tierId={foreign.Id}", tokens, Tier("Mine now", "1.00")))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await owner.PostAsync($"/manage/{mine.Slug}/memberships?handler=Archive&tierId={foreign.Id}", tokens))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await owner.PostAsync($"/manage/{mine.Slug}/memberships?handler=Archive&tierId=not-a-guid", tokens))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var after = Assert.Single(await TiersAsync(other.Id));
        Assert.Equal(("Supporter", 700L, (DateTimeOffset?)null), (after.Name, after.PriceMinor, after.ArchivedAt));
    }
}

using Showgeo.Web.Data;
using Showgeo.Web.Tests.Data;

namespace Showgeo.Web.Tests.Features.Memberships;

/// <summary>What the demo seed shows of memberships at once: tiers on every demo entity, and a member with a members-only event.</summary>
public sealed class MembershipDemoTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Every_demo_entity_offers_two_tiers_and_the_demo_fan_is_a_supporter_who_sees_the_members_only_event()
    {
        using var visitor = app.CreateClient();
        foreach (var slug in new[] { "luna-waves", "the-foundry", "northern-beats", "kofi-strings" })
        {
            var profile = await visitor.GetAsync($"/e/{slug}");
            Assert.Equal(["Supporter", "Inner circle"], profile.Document.QuerySelectorAll("#membership-tiers [data-testid=tier] h3").Select(h => h.TextContent).ToArray());
        }
        const string party = "/events/luna-waves-members-listening-party";
        Assert.NotNull((await visitor.GetAsync(party)).Document.QuerySelector("#members-only"));

        using var fan = app.CreateClient();
        await fan.SignInAsync(DemoData.FanEmail, DemoData.Password);
        var mine = await fan.GetAsync("/me/memberships");
        var row = Assert.Single(mine.Document.QuerySelectorAll("[data-testid=my-membership]"));
        Assert.Contains("Luna Waves", row.TextContent);
        Assert.Equal("Supporter", row.QuerySelector("[data-testid=membership-tier]")!.TextContent);
        var page = await fan.GetAsync(party);
        Assert.Null(page.Document.QuerySelector("#members-only"));
        Assert.Contains("Members' Listening Party", page.Text);
    }
}

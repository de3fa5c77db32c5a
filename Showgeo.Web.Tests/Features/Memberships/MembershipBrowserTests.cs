using Microsoft.Playwright;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Memberships;

public sealed class MembershipBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_fan_joins_a_tier_from_the_entity_page_pays_with_a_test_payment_and_sees_it_on_their_memberships_page(bool javaScript)
    {
        var entity = await app.EntityAsync(name: "Browser Band");
        await app.TierAsync(entity.Id, "Supporter", priceMinor: 300);
        await app.TierAsync(entity.Id, "Inner circle", rank: 2, priceMinor: 1000);
        var fan = await app.UserAsync($"member-browser-{javaScript}-{Guid.NewGuid():N}@example.com", "Mel Member");

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync($"/e/{entity.Slug}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Join Inner circle" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)" }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me/memberships$"));
            var membership = page.GetByTestId("my-membership");
            await Expect(membership).ToHaveCountAsync(1);
            await Expect(membership.GetByTestId("membership-tier")).ToHaveTextAsync("Inner circle");
            await Expect(membership.GetByTestId("membership-status")).ToContainTextAsync("Active: renews");
            await Expect(membership).ToContainTextAsync("10.00 EUR a month");

            await page.GotoAsync($"/e/{entity.Slug}");
            await Expect(page.GetByTestId("my-tier")).ToContainTextAsync("You are a member: Inner circle");
        }, javaScriptEnabled: javaScript);
    }
}

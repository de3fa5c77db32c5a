using Microsoft.Playwright;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Follow;

/// <summary>A fan finds an event in a city, opens its entity, follows it and finds it under Following — with and without JavaScript.</summary>
public sealed class FollowJourneyTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fan_finds_an_event_in_a_city_opens_the_entity_follows_it_and_sees_it_in_following(bool javaScript)
    {
        var t = Guid.NewGuid().ToString("N")[..8];
        var name = $"Harbour Lights {t}";
        var city = $"Portsmouth{t}";
        var entity = await app.EntityAsync("harbour-" + t, name);
        await app.EventAsync(entity.Id, "dock-" + t, $"Dockside Night {t}", DaysFromNow(6), city, 50.8, -1.09, ["folk"], venue: "The Wedgewood Rooms");

        var fan = await app.UserAsync($"sailor-{t}-{javaScript}@example.com", "Sailor");

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);

            await page.GetByRole(AriaRole.Link, new() { Name = "Events", Exact = true }).ClickAsync();
            await page.GetByLabel("City").FillAsync(city);
            await page.GetByLabel("City").PressAsync("Enter");
            // Wait for the filtered results before looking at cards: the unfiltered list is on screen until the swap lands.
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"city={city}"));
            var card = page.Locator("#event-results .event-card", new() { HasText = $"Dockside Night {t}" });
            await Expect(card).ToHaveCountAsync(1);

            await card.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
            var button = page.Locator($"#follow-{entity.Id}");
            await Expect(button.GetByTestId("follower-count")).ToHaveTextAsync("0 followers");

            if (javaScript) await page.EvaluateAsync("() => window.__stillSamePage = true");
            await button.GetByRole(AriaRole.Button, new() { Name = $"Follow {name}", Exact = true }).ClickAsync();
            await Expect(button.GetByTestId("follower-count")).ToHaveTextAsync("1 follower");
            await Expect(button.GetByRole(AriaRole.Button, new() { Name = $"Unfollow {name}" })).ToBeVisibleAsync();
            if (javaScript) Assert.True(await page.EvaluateAsync<bool>("() => window.__stillSamePage === true"), "the page reloaded");

            await page.GetByRole(AriaRole.Link, new() { Name = "Following" }).ClickAsync();
            await Expect(page.Locator("#my-follows")).ToContainTextAsync(name);
        }, javaScript);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Following_from_one_event_card_flips_every_button_of_that_entity_on_the_page(bool javaScript)
    {
        var t = Guid.NewGuid().ToString("N")[..8];
        var name = $"Twin Peaks {t}";
        var city = $"Dundee{t}";
        var entity = await app.EntityAsync("twin-" + t, name);
        var other = await app.EntityAsync("solo-" + t, $"Solo Act {t}");
        await app.EventAsync(entity.Id, "first-" + t, $"First Set {t}", DaysFromNow(2), city);
        await app.EventAsync(other.Id, "between-" + t, $"Between Set {t}", DaysFromNow(3), city);
        await app.EventAsync(entity.Id, "second-" + t, $"Second Set {t}", DaysFromNow(4), city);

        var fan = await app.UserAsync($"twin-{t}-{javaScript}@example.com", "Twin Fan");

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);

            await page.GotoAsync($"/events?city={city}");
            var cards = page.Locator("#event-results .event-card");
            await Expect(cards).ToHaveCountAsync(3);
            var first = cards.Filter(new() { HasText = $"First Set {t}" });
            var second = cards.Filter(new() { HasText = $"Second Set {t}" });
            var between = cards.Filter(new() { HasText = $"Between Set {t}" });
            if (javaScript) await page.EvaluateAsync("() => window.__stillSamePage = true");

            await first.GetByRole(AriaRole.Button, new() { Name = $"Follow {name}", Exact = true }).ClickAsync();
            foreach (var card in new[] { first, second })
            {
                await Expect(card.GetByTestId("follower-count")).ToHaveTextAsync("1 follower");
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = $"Unfollow {name}" })).ToBeVisibleAsync();
            }
            await Expect(between.GetByRole(AriaRole.Button, new() { Name = $"Follow Solo Act {t}", Exact = true })).ToBeVisibleAsync();

            // The swapped-in copies are live: unfollowing from the other card flips both back.
            await second.GetByRole(AriaRole.Button, new() { Name = $"Unfollow {name}" }).ClickAsync();
            foreach (var card in new[] { first, second })
            {
                await Expect(card.GetByTestId("follower-count")).ToHaveTextAsync("0 followers");
                await Expect(card.GetByRole(AriaRole.Button, new() { Name = $"Follow {name}", Exact = true })).ToBeVisibleAsync();
            }
            if (javaScript) Assert.True(await page.EvaluateAsync<bool>("() => window.__stillSamePage === true"), "the page reloaded");
            else await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/events\\?city={city}$"));
        }, javaScript);
    }
}

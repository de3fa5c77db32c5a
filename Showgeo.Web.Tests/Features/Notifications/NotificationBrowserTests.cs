using Microsoft.Playwright;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Notifications;

/// <summary>Two people in two browsers: a fan hears about a going-live without reloading; the header fits a phone.</summary>
public sealed class NotificationBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task A_fan_who_follows_sees_the_toast_and_badge_when_the_manager_goes_live_without_reloading()
    {
        var t = await app.EventWithTicketsAsync();
        var fan = await app.UserAsync(displayName: "Watching Fan");

        await Browser.RunAsync(app.BaseAddress, async fanPage =>
        {
            await fanPage.SignInAsync(fan);
            await fanPage.GotoAsync($"/e/{t.Entity.Slug}");
            await fanPage.GetByRole(AriaRole.Button, new() { Name = $"Follow {t.Entity.Name}", Exact = true }).ClickAsync();
            await Expect(fanPage.GetByRole(AriaRole.Button, new() { Name = $"Unfollow {t.Entity.Name}" })).ToBeVisibleAsync();
            // The stream a page opens carries the entities followed when it opened: the next page picks the new one up.
            await fanPage.GetByRole(AriaRole.Link, new() { Name = "Events", Exact = true }).ClickAsync();
            await Expect(fanPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/events$"));
            await Expect(fanPage.GetByTestId("unread-badge")).ToBeHiddenAsync();
            await fanPage.WaitForFunctionAsync("() => document.querySelector('#live[sse-connect]') && window.htmx");
            await fanPage.EvaluateAsync("() => window.__stillSamePage = true");
            var badgeRequests = 0;
            fanPage.Request += (_, r) => { if (r.Url.Contains("handler=Badge", StringComparison.OrdinalIgnoreCase)) Interlocked.Increment(ref badgeRequests); };

            await Browser.RunAsync(app.BaseAddress, async managerPage =>
            {
                await managerPage.SignInAsync(t.Manager);
                await managerPage.GotoAsync($"/manage/{t.Entity.Slug}/events/{t.Event.Id}/edit");
                await managerPage.GetByRole(AriaRole.Button, new() { Name = "Go live" }).ClickAsync();
                await Expect(managerPage.Locator("#event-phase")).ToContainTextAsync("Live");
            });

            var toast = fanPage.GetByTestId("toast");
            await Expect(toast).ToContainTextAsync("is live now", new() { Timeout = 20_000 });
            await Expect(fanPage.GetByTestId("unread-badge")).ToHaveTextAsync("1");
            Assert.Equal(0, badgeRequests); // counted in the page, not fetched
            Assert.True(await fanPage.EvaluateAsync<bool>("() => window.__stillSamePage === true"), "the page reloaded");

            await toast.GetByRole(AriaRole.Link).ClickAsync();
            await Expect(fanPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/events/{t.Event.Slug}$"));
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_signed_in_header_fits_a_360px_phone_without_scrolling_sideways(bool manager)
    {
        var user = await app.UserAsync(displayName: "Maximiliana Featherstonehaugh-Ramasubramanian");
        if (manager) await app.EntityAsync(name: "A Rather Long Venue Name Collective", members: [(user.Id, EntityRole.Owner)]);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SetViewportSizeAsync(360, 740);
            await page.SignInAsync(user);
            foreach (var path in new[] { "/", "/me/notifications", "/me/notifications/settings", manager ? "/manage" : "/me/follows" })
            {
                await page.GotoAsync(path);
                await Expect(page.GetByTestId("inbox-link")).ToBeVisibleAsync();
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                Assert.True(widths[0] <= widths[1], $"{path}: the page is {widths[0]} px wide in a {widths[1]} px viewport");
                foreach (var link in new[] { "Inbox", "Following", "Tickets", "Profile", "Manage" })
                {
                    var box = await page.Locator(".site-nav").GetByRole(AriaRole.Link, new() { Name = link }).BoundingBoxAsync();
                    Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 360, $"{path}: {link} is off screen");
                }
            }
        });
    }
}

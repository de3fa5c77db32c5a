using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

public sealed class DemoApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Demo:Seed"] = "true";
        return Task.CompletedTask;
    }
}

/// <summary>What the README promises for the run command: demo events on the home page and working demo accounts.</summary>
public sealed class DemoDataTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Home_lists_upcoming_demo_events_and_the_demo_accounts_sign_in()
    {
        using var client = app.CreateClient();
        var home = await client.GetAsync("/");
        Assert.True(home.Document.QuerySelectorAll("#upcoming-events .event-card").Length >= 4);
        Assert.DoesNotContain("Spring Session", home.Text); // past events are not "upcoming"

        foreach (var email in new[] { DemoData.FanEmail, DemoData.ManagerEmail, DemoData.AdminEmail })
        {
            using var person = app.CreateClient();
            var signedIn = await person.SignInAsync(email, DemoData.Password);
            Assert.NotNull(signedIn.Document.QuerySelector("[data-testid=user-name]"));
        }

        var eventPage = await client.GetAsync("/events/luna-waves-lisbon-night");
        Assert.Equal(HttpStatusCode.OK, eventPage.Status);
        Assert.Contains("General admission", eventPage.Text);
    }

    [Fact]
    public async Task The_lisbon_night_has_a_chat_history_and_an_open_poll()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/events/luna-waves-lisbon-night");
        var messages = page.Document.QuerySelectorAll("#chat-messages .chat-message");
        Assert.Equal(4, messages.Length);
        Assert.Contains("Demo Fan", messages[1].TextContent);
        Assert.Equal("https://example.com/luna-waves/set-list", page.Document.QuerySelector("#chat-messages .chat-body a")?.GetAttribute("href"));
        var poll = page.Document.QuerySelector("#chat-polls .chat-poll:not(.closed)");
        Assert.Contains("Which song should close the night?", poll?.TextContent);
        Assert.Equal("1", poll?.QuerySelector("[data-testid=poll-votes-1]")?.TextContent);
    }

    [Fact]
    public async Task The_demo_fan_has_notifications_in_the_inbox_and_the_badge()
    {
        using var fan = app.CreateClient();
        await fan.SignInAsync(DemoData.FanEmail, DemoData.Password);

        var inbox = await fan.GetAsync("/me/notifications");
        var titles = inbox.Document.QuerySelectorAll(".notification .notification-title").Select(t => t.TextContent.Trim()).ToList();
        Assert.Contains("Luna Waves announced Luna Waves: Lisbon Night", titles);
        Assert.Contains("Luna Waves announced Luna Waves at The Foundry", titles);
        Assert.True(int.Parse(inbox.Document.QuerySelector("#unread-badge")!.GetAttribute("data-count")!) >= 2);
    }

    [Fact]
    public async Task The_demo_stores_sell_physical_products_with_options_a_download_an_event_product_and_a_drop_soon()
    {
        using var client = app.CreateClient();
        var store = await client.GetAsync("/e/luna-waves/store");
        Assert.Equal(HttpStatusCode.OK, store.Status);
        Assert.True(store.Document.QuerySelectorAll("[data-testid=store-product]").Length >= 5);
        Assert.Contains("digital", store.Text);
        var hoodie = await client.GetAsync("/e/luna-waves/store/tour-hoodie");
        Assert.Equal(3, hoodie.Document.QuerySelectorAll("select[name=VariantId] option").Length);
        var drop = await client.GetAsync($"/e/luna-waves/store/{Showgeo.Web.Features.Store.StoreDemoData.DropSlug}");
        Assert.NotNull(drop.Document.QuerySelector("[data-testid=countdown]"));
        var show = await client.GetAsync("/events/luna-waves-manchester");
        Assert.Contains("Manchester show poster", show.Document.QuerySelector("#attached-products")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/e/the-foundry/store/foundry-tee")).Status);
    }

    [Fact]
    public async Task Seeding_again_adds_nothing()
    {
        await using var before = app.CreateDb();
        var events = await before.Set<Event>().CountAsync();
        var users = await before.Users.CountAsync();

        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<DemoData>().SeedAsync(CancellationToken.None);
            return 0;
        });

        await using var after = app.CreateDb();
        Assert.Equal(events, await after.Set<Event>().CountAsync());
        Assert.Equal(users, await after.Users.CountAsync());
    }
}

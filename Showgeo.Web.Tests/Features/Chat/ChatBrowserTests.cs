using Microsoft.Playwright;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>The chat panel in Chromium: two people live, moderation and polls, hostile text, and no JavaScript.</summary>
public sealed class ChatBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Fan_and_manager_chat_live_the_manager_removes_a_message_and_a_poll_vote_shows_for_both()
    {
        var manager = await app.UserAsync(displayName: "Mira Manager");
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Manager)]);
        var ev = await app.EventAsync(entity.Id, phase: Showgeo.Web.Features.Events.EventPhase.Live);
        var fan = await app.UserAsync(displayName: "Finn Fan");

        await Browser.RunAsync(app.BaseAddress, async fanPage =>
        {
            await fanPage.SignInAsync(fan);
            await fanPage.GotoAsync($"/events/{ev.Slug}");
            await Browser.RunAsync(app.BaseAddress, async managerPage =>
            {
                await managerPage.SignInAsync(manager);
                await managerPage.GotoAsync($"/events/{ev.Slug}");
                var fanMessages = fanPage.Locator("#chat-messages .chat-message");
                var managerMessages = managerPage.Locator("#chat-messages .chat-message");

                await fanPage.EvaluateAsync("() => window.__samePage = true");
                await fanPage.GetByLabel("Message", new() { Exact = true }).FillAsync("Hello from row F");
                await fanPage.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
                await Expect(managerMessages.Filter(new() { HasText = "Hello from row F" })).ToHaveCountAsync(1);
                await Expect(fanMessages.Filter(new() { HasText = "Hello from row F" })).ToHaveCountAsync(1);
                await Expect(fanPage.GetByLabel("Message", new() { Exact = true })).ToHaveValueAsync("");

                await managerPage.GetByLabel("Message", new() { Exact = true }).FillAsync("Welcome, everyone");
                await managerPage.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
                await Expect(fanMessages.Filter(new() { HasText = "Welcome, everyone" })).ToHaveCountAsync(1);
                await Expect(fanMessages).ToHaveCountAsync(2);
                // Moderation links are for the team's eyes only.
                await Expect(fanPage.GetByRole(AriaRole.Link, new() { NameRegex = new("^Moderate message") })).ToHaveCountAsync(0);

                await managerPage.GetByRole(AriaRole.Link, new() { Name = "Moderate message by Finn Fan" }).ClickAsync();
                await managerPage.GetByRole(AriaRole.Button, new() { Name = "Remove message" }).ClickAsync();
                await Expect(managerPage.GetByText("Message removed.")).ToBeVisibleAsync();
                await Expect(fanMessages.Filter(new() { HasText = "Hello from row F" })).ToHaveCountAsync(0);
                await Expect(fanMessages).ToHaveCountAsync(1);

                await managerPage.GetByText("Moderate this chat").ClickAsync();
                await managerPage.GetByLabel("Poll question").FillAsync("Encore?");
                await managerPage.GetByLabel("Option 1", new() { Exact = true }).FillAsync("Yes please");
                await managerPage.GetByLabel("Option 2", new() { Exact = true }).FillAsync("Go home");
                await managerPage.GetByRole(AriaRole.Button, new() { Name = "Open poll" }).ClickAsync();
                await Expect(managerPage.Locator("#chat-polls .chat-poll h3")).ToContainTextAsync("Encore?");

                await fanPage.GetByRole(AriaRole.Button, new() { Name = "Vote for Yes please" }).ClickAsync();
                await Expect(fanPage.GetByTestId("poll-votes-0")).ToHaveTextAsync("1");
                await Expect(managerPage.GetByTestId("poll-votes-0")).ToHaveTextAsync("1");
                await Expect(managerPage.GetByTestId("poll-votes-1")).ToHaveTextAsync("0");

                await fanPage.GetByRole(AriaRole.Button, new() { Name = "Love (0)" }).ClickAsync();
                await Expect(managerPage.GetByTestId("reaction-heart")).ToHaveTextAsync("1");
                Assert.True(await fanPage.EvaluateAsync<bool>("() => window.__samePage === true"), "the fan's page reloaded");
            });
        });
    }

    /// <summary>Each payload would set window.__xss or open a dialog if the browser ran it.</summary>
    public static readonly string[] Corpus =
    [
        "<script>window.__xss = 1; alert(1)</script>",
        "<img src=x onerror=\"window.__xss = 2\">",
        "<svg onload=window.__xss=3>",
        "javascript:window.__xss=4",
        "<a href=\"javascript:window.__xss=5\">click me</a>",
        "\"><iframe src=\"javascript:window.__xss=6\"></iframe>",
        "</bdi></li></ol><script>window.__xss=7</script>",
        "https://example.com/\"onmouseover=\"window.__xss=8",
        "\u202Egnp.exe \u2066evil\u2069 <b>bold?</b>",
        "<style>*{display:none}</style><form action=/account/logout method=post><button>win</button></form>",
        string.Concat(Enumerable.Repeat("<i onclick=x>", 35)),
    ];

    [Fact]
    public async Task A_hostile_corpus_posted_as_messages_and_names_is_shown_as_text_and_never_runs()
    {
        var manager = await app.UserAsync(displayName: "<img src=x onerror=\"window.__xss = 'name'\">\u202Eroot");
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: Showgeo.Web.Features.Events.EventPhase.Live);
        using var poster = await app.SignedInAsync(manager);
        await poster.SayAsync(ev, Corpus[0]);
        var tenKb = string.Concat(Enumerable.Repeat("<script>window.__xss=9</script>", 10 * 1024 / 31));
        Assert.Equal(ChatRules.TooLongMessage, await (await poster.SayAsync(ev, tenKb)).ChatErrorAsync());
        var fan = await app.UserAsync(displayName: "Plain Reader");

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            var dialogs = 0;
            page.Dialog += async (_, d) => { dialogs++; await d.DismissAsync(); };
            await page.SignInAsync(fan);
            await page.GotoAsync($"/events/{ev.Slug}");
            await Expect(page.Locator("#chat-messages .chat-message")).ToHaveCountAsync(1);
            // The rest arrives over the live stream, through htmx's swap rather than the server's page render.
            foreach (var payload in Corpus.Skip(1)) await poster.SayAsync(ev, payload);
            await Expect(page.Locator("#chat-messages .chat-message")).ToHaveCountAsync(Corpus.Length);
            await page.ReloadAsync();
            await Expect(page.Locator("#chat-messages .chat-message")).ToHaveCountAsync(Corpus.Length);

            var bodies = await page.Locator("#chat-messages .chat-body").AllTextContentsAsync();
            Assert.Equal(Corpus.Select(ChatText.Clean), bodies);
            await Expect(page.Locator("#chat-messages .chat-author").First).ToHaveTextAsync("<img src=x onerror=\"window.__xss = 'name'\">root");
            Assert.Equal(0, await page.Locator("#chat script, #chat img, #chat svg, #chat iframe, #chat style, #chat i, #chat b, #chat-messages form").CountAsync());
            Assert.Equal(0, await page.Locator("#chat a[href^='javascript']").CountAsync());
            var link = page.Locator("#chat-messages .chat-body a");
            await Expect(link).ToHaveCountAsync(1);
            await Expect(link).ToHaveAttributeAsync("rel", "nofollow ugc noopener");
            Assert.Null(await link.GetAttributeAsync("onmouseover"));
            await link.HoverAsync();
            Assert.Equal(0, dialogs);
            Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss === undefined ? null : String(window.__xss)"));
            await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Plain Reader");
        });
    }

    [Fact]
    public async Task Without_javascript_a_fan_reads_posts_reacts_and_votes_through_plain_forms()
    {
        var s = await app.SceneAsync();
        await s.ManagerClient.SayAsync(s.Event, "Doors open at eight");
        var page0 = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        var form = page0.Document.QuerySelector("form.chat-open-poll")!;
        form.QuerySelector("#poll-option-0")!.SetAttribute("value", "Red");
        form.QuerySelector("#poll-option-1")!.SetAttribute("value", "Blue");
        await s.ManagerClient.SubmitRawAsync(page0.Document, "form.chat-open-poll", new Dictionary<string, string> { ["question"] = "Colour?" });

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(s.Fan);
            await page.GotoAsync(s.Event.EventUrl());
            await Expect(page.Locator("#chat-messages .chat-body")).ToHaveTextAsync(["Doors open at eight"]);
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("No scripts needed");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(page.Locator("#chat-messages .chat-body")).ToHaveTextAsync(["Doors open at eight", "No scripts needed"]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Vote for Blue" }).ClickAsync();
            await Expect(page.GetByText("Thanks for voting.")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("poll-votes-1")).ToHaveTextAsync("1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Applause (0)" }).ClickAsync();
            await Expect(page.GetByTestId("reaction-clap")).ToHaveTextAsync("1");
        }, javaScriptEnabled: false);

        using var anonymous = app.CreateClient();
        Assert.Equal(["Doors open at eight", "No scripts needed"], await anonymous.PanelMessagesAsync(s.Event));
    }
}

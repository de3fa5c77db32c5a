using System.Net;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using FollowRow = Showgeo.Web.Features.Follow.Follow;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>Posting in an event's chat: who may, what is refused, and what the panel then shows.</summary>
public sealed class ChatPostingTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Fan_posts_with_htmx_gets_a_cleared_form_and_every_reader_sees_the_message()
    {
        var s = await app.SceneAsync();
        var fragment = await (await s.FanClient.SayAsync(s.Event, "  Hello from the front row!  ")).FragmentAsync();
        Assert.NotNull(fragment.QuerySelector("#chat-form form"));
        Assert.Equal("", (fragment.QuerySelector("#chat-text") as AngleSharp.Html.Dom.IHtmlInputElement)?.Value);

        using var anonymous = app.CreateClient();
        Assert.Equal(["Hello from the front row!"], await anonymous.PanelMessagesAsync(s.Event));
        var panel = (await anonymous.GetAsync(s.Event.EventUrl())).Document;
        Assert.Equal("Chatty Fan", panel.QuerySelector("#chat-messages .chat-author")?.TextContent.Trim());
        Assert.Equal("Sign in to chat", panel.QuerySelector("#chat-form a")?.TextContent.Trim());
    }

    [Fact]
    public async Task Posting_without_javascript_redirects_back_to_the_event_page_showing_the_message()
    {
        var s = await app.SceneAsync();
        var response = await s.FanClient.SayAsync(s.Event, "No JS here", htmx: false);
        Assert.True(response.IsRedirect());
        Assert.Equal($"/events/{s.Event.Slug}#chat", response.Headers.Location!.OriginalString);
        var page = await s.FanClient.FollowAsync(response);
        Assert.Equal(["No JS here"], page.Document.QuerySelectorAll("#chat-messages .chat-body").Select(b => b.TextContent.Trim()));
    }

    public static TheoryData<string> BadMessages => new() { "", "   ", " \t \r\n ", new string('x', ChatRules.MaxMessageLength + 1), new string('y', 10 * 1024) };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Empty_blank_and_too_long_messages_are_refused_and_nothing_is_written(string text)
    {
        var s = await app.SceneAsync();
        var error = await (await s.FanClient.SayAsync(s.Event, text)).ChatErrorAsync();
        Assert.Equal(text.Trim().Length == 0 ? ChatRules.EmptyMessage : ChatRules.TooLongMessage, error);

        var plain = await s.FanClient.SayAsync(s.Event, text, htmx: false);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var page = await s.FanClient.FollowAsync(plain);
        Assert.Contains(error!, page.Document.QuerySelector("[data-testid=chat-error]")?.TextContent);
        Assert.Empty(await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task A_message_of_exactly_the_cap_is_accepted()
    {
        var s = await app.SceneAsync();
        Assert.Null(await (await s.FanClient.SayAsync(s.Event, new string('z', ChatRules.MaxMessageLength))).ChatErrorAsync());
        Assert.Single(await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task An_anonymous_post_is_sent_to_sign_in_and_writes_nothing()
    {
        var s = await app.SceneAsync();
        using var anonymous = app.CreateClient();
        var page = await anonymous.GetAsync(s.Event.EventUrl());
        // The event page offers an anonymous viewer no form and carries no token; a forged post takes one from the sign-in form.
        Assert.Null(page.Document.QuerySelector("#chat-form form"));
        var response = await anonymous.PostAsync($"/events/{s.Event.Slug}/chat/Message", (await anonymous.GetAsync("/account/login")).Document,
            new Dictionary<string, string> { ["text"] = "hi" });
        Assert.True(response.IsRedirect());
        Assert.Contains("/account/login", response.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task After_the_event_the_chat_is_a_transcript_without_a_form_and_posts_are_refused()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "What a night");
        await using (var db = app.CreateDb())
        {
            var ev = await db.Set<Event>().FindAsync(s.Event.Id);
            ev!.Phase = EventPhase.Post;
            await db.SaveChangesAsync();
        }
        var page = await s.FanClient.GetAsync(s.Event.EventUrl());
        Assert.NotNull(page.Document.QuerySelector("[data-testid=chat-transcript]"));
        Assert.Null(page.Document.QuerySelector("#chat-form"));
        Assert.Equal(["What a night"], page.Document.QuerySelectorAll("#chat-messages .chat-body").Select(b => b.TextContent.Trim()));

        var response = await s.FanClient.PostAsync($"/events/{s.Event.Slug}/chat/Message", page.Document,
            new Dictionary<string, string> { ["text"] = "late" }, htmx: true);
        Assert.Equal(ChatRules.ClosedMessage, await response.ChatErrorAsync());
        Assert.Single(await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task A_followers_only_event_hides_its_chat_from_others_and_shows_it_to_followers()
    {
        var s = await app.SceneAsync(visibility: EventVisibility.Followers);
        var outsider = await s.FanClient.GetAsync(s.Event.EventUrl());
        Assert.Null(outsider.Document.QuerySelector("#chat"));
        var room = await s.FanClient.GetAsync($"/events/{s.Event.Slug}/chat");
        Assert.Null(room.Document.QuerySelector("#chat"));
        var refused = await s.FanClient.PostAsync($"/events/{s.Event.Slug}/chat/Message", outsider.Document,
            new Dictionary<string, string> { ["text"] = "let me in" }, htmx: true);
        Assert.Equal(EventAccess.FollowersOnlyMessage, await refused.ChatErrorAsync());

        await using (var db = app.CreateDb())
        {
            db.Add(new FollowRow { UserId = s.Fan.Id, EntityId = s.Entity.Id, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        Assert.Null(await (await s.FanClient.SayAsync(s.Event, "I follow now")).ChatErrorAsync());
        Assert.Equal(["I follow now"], await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task A_draft_event_has_no_chat_for_outsiders()
    {
        var s = await app.SceneAsync(phase: EventPhase.Draft);
        Assert.Equal(HttpStatusCode.NotFound, (await s.FanClient.GetAsync($"/events/{s.Event.Slug}/chat")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await s.FanClient.GetAsync($"/events/no-such-event-{Guid.NewGuid():N}/chat")).Status);
    }

    [Fact]
    public async Task Three_messages_in_two_seconds_then_a_block_while_moderators_are_exempt()
    {
        var s = await app.SceneAsync();
        for (var i = 1; i <= ChatRules.RatePermits; i++)
            Assert.Null(await (await s.FanClient.SayAsync(s.Event, $"quick {i}")).ChatErrorAsync());
        var refused = await (await s.FanClient.SayAsync(s.Event, "one too many")).ChatErrorAsync();
        Assert.StartsWith("You're sending messages too fast.", refused);
        Assert.Equal(["quick 1", "quick 2", "quick 3"], await app.MessagesAsync(s.Event.Id));
        // Still blocked after the window would have rolled over: the block lasts longer than the window.
        await Task.Delay(ChatRules.RateWindow + TimeSpan.FromMilliseconds(300));
        Assert.StartsWith("You're sending messages too fast.", await (await s.FanClient.SayAsync(s.Event, "still blocked")).ChatErrorAsync());

        for (var i = 1; i <= 6; i++)
            Assert.Null(await (await s.ManagerClient.SayAsync(s.Event, $"mod {i}")).ChatErrorAsync());
        Assert.Equal(9, (await app.MessagesAsync(s.Event.Id)).Count);
    }

    [Fact]
    public async Task Slow_mode_spaces_a_fans_messages_but_not_a_moderators()
    {
        var s = await app.SceneAsync();
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        var saved = await s.ManagerClient.SubmitAsync(page.Document, "#chat-tools form.chat-settings", new Dictionary<string, string> { ["slowModeSeconds"] = "30" });
        Assert.Contains("Chat settings saved.", saved.Text);
        Assert.Contains("Slow mode: 30 s", saved.Document.QuerySelector("[data-testid=chat-modes]")?.TextContent);

        Assert.Null(await (await s.FanClient.SayAsync(s.Event, "first")).ChatErrorAsync());
        Assert.StartsWith("Slow mode is on: one message every 30 s.", await (await s.FanClient.SayAsync(s.Event, "second")).ChatErrorAsync());
        Assert.Null(await (await s.ManagerClient.SayAsync(s.Event, "mod one")).ChatErrorAsync());
        Assert.Null(await (await s.ManagerClient.SayAsync(s.Event, "mod two")).ChatErrorAsync());
        Assert.Equal(["first", "mod one", "mod two"], await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task Followers_only_mode_lets_followers_and_the_team_post()
    {
        var s = await app.SceneAsync();
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        await s.ManagerClient.SubmitAsync(page.Document, "#chat-tools form.chat-settings",
            new Dictionary<string, string> { ["slowModeSeconds"] = "0", ["followersOnly"] = "true" });

        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        Assert.Equal(ChatRules.FollowersOnlyMessage, fanPage.Document.QuerySelector("[data-testid=chat-refusal]")?.TextContent.Trim());
        var refused = await s.FanClient.PostAsync($"/events/{s.Event.Slug}/chat/Message", fanPage.Document,
            new Dictionary<string, string> { ["text"] = "not a follower" }, htmx: true);
        Assert.Equal(ChatRules.FollowersOnlyMessage, await refused.ChatErrorAsync());
        Assert.Null(await (await s.ManagerClient.SayAsync(s.Event, "team can")).ChatErrorAsync());

        await using (var db = app.CreateDb())
        {
            db.Add(new FollowRow { UserId = s.Fan.Id, EntityId = s.Entity.Id, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        Assert.Null(await (await s.FanClient.SayAsync(s.Event, "following now")).ChatErrorAsync());
        Assert.Equal(["team can", "following now"], await app.MessagesAsync(s.Event.Id));
    }

    [Fact]
    public async Task Attendees_only_mode_needs_a_ticket_or_an_rsvp()
    {
        var s = await app.SceneAsync();
        await app.SetRoomAsync(s.Event.Id, attendeesOnly: true);
        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        Assert.Equal(ChatRules.AttendeesOnlyMessage, fanPage.Document.QuerySelector("[data-testid=chat-refusal]")?.TextContent.Trim());
        await using (var db = app.CreateDb())
        {
            db.Add(new Rsvp { EventId = s.Event.Id, UserId = s.Fan.Id, Status = RsvpStatus.Going, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        Assert.Null(await (await s.FanClient.SayAsync(s.Event, "I RSVP'd")).ChatErrorAsync());
    }

    [Fact]
    public async Task A_suspended_entitys_event_chat_refuses_posts_even_from_its_team()
    {
        var s = await app.SceneAsync();
        await using (var db = app.CreateDb())
        {
            var entity = await db.Set<Entity>().FindAsync(s.Entity.Id);
            entity!.SuspendedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        Assert.Equal(EventAccess.SuspendedMessage, page.Document.QuerySelector("[data-testid=chat-refusal]")?.TextContent.Trim());
        Assert.Equal(HttpStatusCode.NotFound, (await s.FanClient.GetAsync($"/events/{s.Event.Slug}/chat")).Status);
    }
}

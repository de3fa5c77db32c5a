using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>Moderation by the entity's team: remove, mute, ban, and the log the team reads.</summary>
public sealed class ChatModerationTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static async Task<Guid> LastMessageIdAsync(ShowgeoApp app, Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<ChatMessage>().Where(m => m.EventId == eventId).OrderByDescending(m => m.Seq).Select(m => m.Id).FirstAsync();
    }

    [Fact]
    public async Task Manager_removes_a_message_from_the_moderate_page_and_it_leaves_the_panel_and_the_log_records_it()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "keep me");
        await s.FanClient.SayAsync(s.Event, "remove me");
        var id = await LastMessageIdAsync(app, s.Event.Id);

        var panel = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        Assert.Equal("true", panel.Document.QuerySelector("#chat")?.GetAttribute("data-moderator"));
        var link = panel.Document.QuerySelector($"#chat-msg-{id} a.chat-mod")!.GetAttribute("href")!;
        var moderate = await s.ManagerClient.GetAsync(link);
        Assert.Contains("remove me", moderate.Document.QuerySelector("#moderated-message")?.TextContent);
        var after = await s.ManagerClient.SubmitAsync(moderate.Document, "form.moderate-delete");
        Assert.Contains("Message removed.", after.Text);
        Assert.Equal(["keep me"], after.Document.QuerySelectorAll("#chat-messages .chat-body").Select(b => b.TextContent.Trim()));
        Assert.Equal(["keep me"], await s.FanClient.PanelMessagesAsync(s.Event));

        var log = await s.ManagerClient.GetAsync($"/manage/{s.Entity.Slug}/chat");
        var row = log.Document.QuerySelector("#moderation-log .moderation-row")!.TextContent;
        Assert.Contains("delete-message", row);
        Assert.Contains("Chatty Fan", row);
        Assert.Contains("Mona Manager", row);
    }

    [Fact]
    public async Task Non_members_cannot_open_or_use_the_moderate_page_and_nothing_changes()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "hello");
        var id = await LastMessageIdAsync(app, s.Event.Id);
        var url = $"/events/{s.Event.Slug}/chat-moderation/{id}";
        Assert.Equal(HttpStatusCode.NotFound, (await s.FanClient.GetAsync(url)).Status);

        var page = await s.FanClient.GetAsync(s.Event.EventUrl());
        foreach (var handler in new[] { "Delete", "Mute", "Ban" })
        {
            var response = await s.FanClient.PostAsync($"{url}/{handler}", page.Document, new Dictionary<string, string> { ["minutes"] = "10" });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var refused = await s.FanClient.PostAsync($"/events/{s.Event.Slug}/chat/Settings", page.Document,
            new Dictionary<string, string> { ["slowModeSeconds"] = "60", ["followersOnly"] = "true" });
        Assert.Contains(ChatRules.NotModeratorMessage, (await s.FanClient.FollowAsync(refused)).Text);
        Assert.Equal(HttpStatusCode.NotFound, (await s.FanClient.GetAsync($"/manage/{s.Entity.Slug}/chat")).Status);

        await using var db = app.CreateDb();
        Assert.Equal(["hello"], await app.MessagesAsync(s.Event.Id));
        Assert.False(await db.Set<ChatMute>().AnyAsync());
        Assert.False(await db.Set<ChatBan>().AnyAsync(b => b.EntityId == s.Entity.Id));
        Assert.False(await db.Set<ChatRoom>().AnyAsync(r => r.EventId == s.Event.Id && (r.SlowModeSeconds > 0 || r.FollowersOnly)));
        Assert.False(await db.Set<ChatModerationAction>().AnyAsync(a => a.EntityId == s.Entity.Id));
    }

    [Fact]
    public async Task Garbage_ids_get_404s_and_refusals_never_a_500()
    {
        var s = await app.SceneAsync();
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        Assert.Equal(HttpStatusCode.NotFound, (await s.ManagerClient.GetAsync($"/events/{s.Event.Slug}/chat-moderation/not-a-guid")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await s.ManagerClient.GetAsync($"/events/{s.Event.Slug}/chat-moderation/{Guid.NewGuid()}")).Status);
        var vote = await s.ManagerClient.PostAsync($"/events/{s.Event.Slug}/chat/Vote", page.Document,
            new Dictionary<string, string> { ["pollId"] = "garbage", ["option"] = "x" }, htmx: true);
        Assert.Equal(ChatRules.UnknownPollMessage, (await vote.FragmentAsync()).QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());
        var close = await s.ManagerClient.PostAsync($"/events/{s.Event.Slug}/chat/ClosePoll", page.Document,
            new Dictionary<string, string> { ["pollId"] = Guid.NewGuid().ToString() }, htmx: true);
        Assert.Equal(ChatRules.UnknownPollMessage, (await close.FragmentAsync()).QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());
        var settings = await s.ManagerClient.PostAsync($"/events/{s.Event.Slug}/chat/Settings", page.Document,
            new Dictionary<string, string> { ["slowModeSeconds"] = "forever" });
        Assert.True(settings.IsRedirect());
        Assert.Equal(HttpStatusCode.NotFound, (await s.ManagerClient.PostAsync($"/events/nope-{Guid.NewGuid():N}/chat/Message", page.Document,
            new Dictionary<string, string> { ["text"] = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_coordinator_mutes_a_fan_for_a_while_and_the_fan_cannot_post_until_it_is_lifted()
    {
        var s = await app.SceneAsync();
        var coordinator = await app.UserAsync(displayName: "Cora Coordinator");
        await app.AddMemberAsync(s.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var cora = await app.SignedInAsync(coordinator);
        await s.FanClient.SayAsync(s.Event, "spam spam");
        var id = await LastMessageIdAsync(app, s.Event.Id);

        var moderate = await cora.GetAsync($"/events/{s.Event.Slug}/chat-moderation/{id}");
        var muted = await cora.SubmitAsync(moderate.Document, "form.moderate-mute", new Dictionary<string, string> { ["minutes"] = "10" });
        Assert.Contains("Chatty Fan is muted in this chat for 10 min.", muted.Text);

        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        Assert.StartsWith("You are muted in this chat until", fanPage.Document.QuerySelector("[data-testid=chat-refusal]")?.TextContent.Trim());
        var refused = await s.FanClient.PostAsync($"/events/{s.Event.Slug}/chat/Message", fanPage.Document,
            new Dictionary<string, string> { ["text"] = "am I muted?" }, htmx: true);
        Assert.StartsWith("You are muted in this chat until", await refused.ChatErrorAsync());
        Assert.Equal(["spam spam"], await app.MessagesAsync(s.Event.Id));

        var log = await s.ManagerClient.GetAsync($"/manage/{s.Entity.Slug}/chat");
        Assert.Contains("Cora Coordinator", log.Document.QuerySelector("#moderation-log")?.TextContent);
        var lifted = await s.ManagerClient.SubmitAsync(log.Document, "#chat-mutes form");
        Assert.Contains("Mute lifted.", lifted.Text);
        Assert.Null(await (await s.FanClient.SayAsync(s.Event, "free again")).ChatErrorAsync());
    }

    [Fact]
    public async Task Mute_lengths_outside_the_choices_are_refused()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "hi");
        var id = await LastMessageIdAsync(app, s.Event.Id);
        var moderate = await s.ManagerClient.GetAsync($"/events/{s.Event.Slug}/chat-moderation/{id}");
        foreach (var minutes in new[] { "0", "-5", "999999", "soon" })
        {
            var page = await s.ManagerClient.SubmitAsync(moderate.Document, "form.moderate-mute", new Dictionary<string, string> { ["minutes"] = minutes });
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.StartsWith("Mute for 1 to", page.Document.QuerySelector("[data-testid=moderate-error]")?.TextContent.Trim());
        }
        await using var db = app.CreateDb();
        Assert.False(await db.Set<ChatMute>().AnyAsync(m => m.EventId == s.Event.Id));
    }

    [Fact]
    public async Task A_ban_covers_every_chat_of_the_entity_until_lifted_and_the_team_cannot_be_banned()
    {
        var s = await app.SceneAsync();
        var other = await app.EventAsync(s.Entity.Id, phase: Showgeo.Web.Features.Events.EventPhase.Pre);
        await s.FanClient.SayAsync(s.Event, "troll");
        await s.ManagerClient.SayAsync(s.Event, "mod says hi");
        var fanMessage = await LastMessageIdAsync(app, s.Event.Id);
        await using (var db = app.CreateDb())
            fanMessage = await db.Set<ChatMessage>().Where(m => m.UserId == s.Fan.Id).Select(m => m.Id).SingleAsync();

        var moderate = await s.ManagerClient.GetAsync($"/events/{s.Event.Slug}/chat-moderation/{fanMessage}");
        var banned = await s.ManagerClient.SubmitAsync(moderate.Document, "form.moderate-ban");
        Assert.Contains("is banned from", banned.Text);
        foreach (var ev in new[] { s.Event, other })
            Assert.Equal(ChatRules.BannedMessage,
                (await s.FanClient.GetAsync(ev.EventUrl())).Document.QuerySelector("[data-testid=chat-refusal]")?.TextContent.Trim());

        var managerMessage = await LastMessageIdAsync(app, s.Event.Id);
        await using (var db = app.CreateDb())
            managerMessage = await db.Set<ChatMessage>().Where(m => m.UserId == s.Manager.Id).Select(m => m.Id).SingleAsync();
        var self = await s.ManagerClient.SubmitAsync((await s.ManagerClient.GetAsync($"/events/{s.Event.Slug}/chat-moderation/{managerMessage}")).Document, "form.moderate-ban");
        Assert.Equal("Members of the organiser's team can't be banned.", self.Document.QuerySelector("[data-testid=moderate-error]")?.TextContent.Trim());

        var log = await s.ManagerClient.GetAsync($"/manage/{s.Entity.Slug}/chat");
        Assert.Contains("Chatty Fan", log.Document.QuerySelector("#chat-bans")?.TextContent);
        var lifted = await s.ManagerClient.SubmitAsync(log.Document, "#chat-bans form");
        Assert.Contains("Ban lifted.", lifted.Text);
        Assert.Null(await (await s.FanClient.SayAsync(other, "sorry")).ChatErrorAsync());
        var actions = (await s.ManagerClient.GetAsync($"/manage/{s.Entity.Slug}/chat")).Document.QuerySelectorAll("#moderation-log .moderation-row")
            .Select(r => r.Children[2].TextContent.Trim()).ToList();
        Assert.Equal(["unban", "ban"], actions);
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>Polls (a manager opens and closes, each fan votes once) and reactions (counted per emoji, one each).</summary>
public sealed class ChatPollAndReactionTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> OpenPollAsync(ChatScene s, string question, params string[] options)
    {
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        var values = new Dictionary<string, string> { ["question"] = question };
        // The form has one input per option, all named "options"; fill them by id.
        var form = page.Document.QuerySelector("form.chat-open-poll")!;
        for (var i = 0; i < options.Length; i++) form.QuerySelector($"#poll-option-{i}")!.SetAttribute("value", options[i]);
        return await (await s.ManagerClient.SubmitRawAsync(page.Document, "form.chat-open-poll", values, htmx: true)).FragmentAsync();
    }

    [Fact]
    public async Task Manager_opens_a_poll_fans_vote_once_and_after_closing_votes_are_refused()
    {
        var s = await app.SceneAsync();
        var opened = await OpenPollAsync(s, "Encore song?", "Moonlight", "Sunrise");
        Assert.Null(opened.QuerySelector("[data-testid=poll-error]"));
        Assert.Contains("Encore song?", opened.QuerySelector(".chat-poll h3")?.TextContent);

        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        var voted = await (await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-polls form.poll-vote", htmx: true,
            submitName: "option", submitValue: "1")).FragmentAsync();
        Assert.Equal("1", voted.QuerySelector("[data-testid=poll-votes-1]")?.TextContent);
        Assert.Equal("0", voted.QuerySelector("[data-testid=poll-votes-0]")?.TextContent);
        Assert.Null(voted.QuerySelector("#chat-polls form button[name=option]")); // voted: no more buttons

        var again = await (await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-polls form.poll-vote", htmx: true,
            submitName: "option", submitValue: "0")).FragmentAsync();
        Assert.Equal(ChatRules.AlreadyVotedMessage, again.QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());
        var unknown = await (await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-polls form.poll-vote", htmx: true,
            submitName: "option", submitValue: "7")).FragmentAsync();
        Assert.Equal(ChatRules.UnknownOptionMessage, unknown.QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());

        var managerPage = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        var closed = await (await s.ManagerClient.SubmitRawAsync(managerPage.Document, "#chat-polls form.poll-close", htmx: true)).FragmentAsync();
        Assert.NotNull(closed.QuerySelector(".chat-poll.closed"));

        var (late, lateUser) = await app.SignedInUserAsync(displayName: "Late Voter");
        var latePage = await late.GetAsync(s.Event.EventUrl());
        Assert.Null(latePage.Document.QuerySelector("#chat-polls button[name=option]"));
        var refused = await late.PostAsync($"/events/{s.Event.Slug}/chat/Vote", latePage.Document, new Dictionary<string, string>
        {
            ["pollId"] = closed.QuerySelector(".chat-poll")!.Id!["chat-poll-".Length..], ["option"] = "0",
        }, htmx: true);
        Assert.Equal(ChatRules.PollClosedMessage, (await refused.FragmentAsync()).QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());

        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<ChatPollVote>().CountAsync(v => v.UserId == s.Fan.Id));
        Assert.False(await db.Set<ChatPollVote>().AnyAsync(v => v.UserId == lateUser.Id));
    }

    [Theory]
    [InlineData("", new[] { "A", "B" }, "Ask a question.")]
    [InlineData("One option?", new[] { "Only" }, "Give 2 to 5 options.")]
    [InlineData("Same twice?", new[] { "Yes", "yes" }, "Each option must be different.")]
    public async Task Polls_without_a_question_or_with_too_few_or_repeated_options_are_refused(string question, string[] options, string error)
    {
        var s = await app.SceneAsync();
        var refused = await OpenPollAsync(s, question, options);
        Assert.Equal(error, refused.QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());
        await using var db = app.CreateDb();
        Assert.False(await db.Set<ChatPoll>().AnyAsync(p => p.EventId == s.Event.Id));
    }

    [Fact]
    public async Task Six_options_and_polls_opened_by_fans_are_refused()
    {
        var s = await app.SceneAsync();
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        var six = new FormUrlEncodedContent(new[] { "q", "1", "2", "3", "4", "5", "6" }
            .Select((v, i) => new KeyValuePair<string, string>(i == 0 ? "question" : "options", v)));
        var token = page.Document.QuerySelector("#antiforgery")!.GetAttribute("data-token")!;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/events/{s.Event.Slug}/chat/OpenPoll") { Content = six };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("HX-Request", "true");
        var response = await s.ManagerClient.Http.SendAsync(request);
        Assert.Equal("Give 2 to 5 options.", (await response.FragmentAsync()).QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());

        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        Assert.Null(fanPage.Document.QuerySelector("form.chat-open-poll"));
        var byFan = await s.FanClient.PostAsync($"/events/{s.Event.Slug}/chat/OpenPoll", fanPage.Document,
            new Dictionary<string, string> { ["question"] = "Mine?", ["options"] = "a" }, htmx: true);
        Assert.Equal(ChatRules.NotModeratorMessage, (await byFan.FragmentAsync()).QuerySelector("[data-testid=poll-error]")?.TextContent.Trim());
        await using var db = app.CreateDb();
        Assert.False(await db.Set<ChatPoll>().AnyAsync(p => p.EventId == s.Event.Id));
    }

    [Fact]
    public async Task Reactions_count_one_per_fan_and_emoji_and_pressing_again_takes_it_back()
    {
        var s = await app.SceneAsync();
        var (other, _) = await app.SignedInUserAsync(displayName: "Other Fan");
        foreach (var client in new[] { s.FanClient, other })
        {
            var page = await client.GetAsync(s.Event.EventUrl());
            var fragment = await (await client.SubmitRawAsync(page.Document, "#chat-reactions form", htmx: true, submitName: "emoji", submitValue: "heart")).FragmentAsync();
            Assert.NotNull(fragment.QuerySelector("#chat-reactions"));
        }
        var reader = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        Assert.Equal("2", reader.Document.QuerySelector("[data-testid=reaction-heart]")?.TextContent);
        Assert.Equal("0", reader.Document.QuerySelector("[data-testid=reaction-fire]")?.TextContent);

        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        var undone = await (await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-reactions form", htmx: true, submitName: "emoji", submitValue: "heart")).FragmentAsync();
        Assert.Equal("1", undone.QuerySelector("[data-testid=reaction-heart]")?.TextContent);

        var bogus = await (await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-reactions form", htmx: true, submitName: "emoji", submitValue: "<script>")).FragmentAsync();
        Assert.Equal("Choose one of the reactions shown.", bogus.QuerySelector("[data-testid=reaction-error]")?.TextContent.Trim());

        // Without JavaScript: a redirect back to the event page with the new count.
        var plain = await s.FanClient.SubmitAsync(fanPage.Document, "#chat-reactions form", submitName: "emoji", submitValue: "fire");
        Assert.Equal("1", plain.Document.QuerySelector("[data-testid=reaction-fire]")?.TextContent);
        await using var db = app.CreateDb();
        Assert.Equal(2, await db.Set<ChatReaction>().CountAsync(r => r.EventId == s.Event.Id));
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>The chat room over the raw live stream: what arrives, in what order, and what a reconnect replays.</summary>
public sealed partial class ChatStreamTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [GeneratedRegex("id=\"chat-msg-[^\"]+\" class=\"chat-message\"[^>]*>.*?<bdi class=\"chat-body\">(?<body>[^<]*)</bdi>")]
    private static partial Regex MessageBody();

    private static List<string> Bodies(IEnumerable<string> data) =>
        data.SelectMany(d => MessageBody().Matches(d).Select(m => WebUtility.HtmlDecode(m.Groups["body"].Value))).ToList();

    /// <summary>The stream URL the event page's layout opens (what the htmx extension connects to).</summary>
    private static async Task<string> StreamUrlAsync(WebClient client, Event e)
    {
        var page = await client.GetAsync(e.EventUrl());
        var url = page.Document.QuerySelector("#live")?.GetAttribute("sse-connect");
        Assert.False(string.IsNullOrEmpty(url), "the event page opens no stream");
        Assert.Contains($"room={e.Id}", url);
        return url!;
    }

    private static string WithAfter(string url, string token) => Regex.Replace(url, "after=[^&]*", "after=" + Uri.EscapeDataString(token));

    [Fact]
    public async Task Messages_arrive_live_and_a_reconnect_with_the_after_token_replays_exactly_the_missed_ones_in_order()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "before the page");
        var url = await StreamUrlAsync(s.FanClient, s.Event);
        var first = await LiveStreamReader.OpenAsync(s.FanClient.Http, url);
        await s.ManagerClient.SayAsync(s.Event, "live one");
        var pushed = await first.NextAsync();
        Assert.Equal(ChatFeed.EventType, pushed.EventType);
        Assert.Equal(["live one"], Bodies([pushed.Data]));
        var token = first.LastEventId!;
        await first.DisposeAsync();

        await s.ManagerClient.SayAsync(s.Event, "missed two");
        await s.FanClient.SayAsync(s.Event, "missed three");

        await using var again = await LiveStreamReader.OpenAsync(s.FanClient.Http, WithAfter(url, token));
        var replay = await again.DrainAsync(TimeSpan.FromMilliseconds(800));
        Assert.Equal(["missed two", "missed three"], Bodies(replay.Select(r => r.Data)));

        await s.ManagerClient.SayAsync(s.Event, "after reconnect");
        var next = await again.NextAsync();
        Assert.Equal(["after reconnect"], Bodies([next.Data]));
        Assert.Empty(await again.DrainAsync(TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task A_page_rendered_with_messages_streams_only_what_came_after_it()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "one");
        await s.FanClient.SayAsync(s.Event, "two");
        var url = await StreamUrlAsync(s.FanClient, s.Event);
        await s.ManagerClient.SayAsync(s.Event, "three");
        // Connecting after the third message was committed: the page had one and two, the stream replays three only.
        await using var stream = await LiveStreamReader.OpenAsync(s.FanClient.Http, url);
        var items = await stream.DrainAsync(TimeSpan.FromMilliseconds(800));
        Assert.Equal(["three"], Bodies(items.Select(i => i.Data)));
    }

    [Fact]
    public async Task A_removed_message_is_pushed_as_an_out_of_band_delete()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "oops");
        Guid id;
        await using (var db = app.CreateDb()) id = await db.Set<ChatMessage>().Where(m => m.EventId == s.Event.Id).Select(m => m.Id).SingleAsync();
        await using var stream = await LiveStreamReader.OpenAsync(s.FanClient.Http, await StreamUrlAsync(s.FanClient, s.Event));

        var moderate = await s.ManagerClient.GetAsync($"/events/{s.Event.Slug}/chat-moderation/{id}");
        await s.ManagerClient.SubmitAsync(moderate.Document, "form.moderate-delete");
        var removal = await stream.NextAsync();
        Assert.Equal($"<li id=\"chat-msg-{id}\" hx-swap-oob=\"delete\"></li>", removal.Data);

        // A tab that reconnects from before the message gets it and its removal, so it ends up without it.
        await using var replay = await LiveStreamReader.OpenAsync(s.FanClient.Http, WithAfter(await StreamUrlAsync(s.FanClient, s.Event), "c0"));
        var items = string.Concat((await replay.DrainAsync(TimeSpan.FromMilliseconds(800))).Select(i => i.Data));
        Assert.Empty(Bodies([items]));
        Assert.Equal(2, Regex.Matches(items, $"chat-msg-{id}\" hx-swap-oob=\"delete\"").Count);
    }

    [Fact]
    public async Task Reaction_counts_and_poll_results_are_pushed_as_out_of_band_swaps()
    {
        var s = await app.SceneAsync();
        await using var stream = await LiveStreamReader.OpenAsync(s.ManagerClient.Http, await StreamUrlAsync(s.ManagerClient, s.Event));
        var fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-reactions form", htmx: true, submitName: "emoji", submitValue: "fire");
        var reactions = WebClient.Parse((await stream.NextAsync()).Data);
        Assert.Equal("true", reactions.QuerySelector("#chat-reactions")?.GetAttribute("hx-swap-oob"));
        Assert.Equal("1", reactions.QuerySelector("[data-testid=reaction-fire]")?.TextContent);
        Assert.Null(reactions.QuerySelector("input[name=__RequestVerificationToken]"));

        var managerPage = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        var form = managerPage.Document.QuerySelector("form.chat-open-poll")!;
        form.QuerySelector("#poll-option-0")!.SetAttribute("value", "Yes");
        form.QuerySelector("#poll-option-1")!.SetAttribute("value", "No");
        await s.ManagerClient.SubmitRawAsync(managerPage.Document, "form.chat-open-poll", new Dictionary<string, string> { ["question"] = "Again?" }, htmx: true);
        var opened = WebClient.Parse((await stream.NextAsync()).Data);
        Assert.Contains("Again?", opened.QuerySelector("#chat-polls[hx-swap-oob=true] .chat-poll h3")?.TextContent);

        fanPage = await s.FanClient.GetAsync(s.Event.EventUrl());
        await s.FanClient.SubmitRawAsync(fanPage.Document, "#chat-polls form.poll-vote", htmx: true, submitName: "option", submitValue: "0");
        var voted = WebClient.Parse((await stream.NextAsync()).Data);
        Assert.Equal("1", voted.QuerySelector("[data-testid=poll-votes-0]")?.TextContent);
    }

    [Fact]
    public async Task Viewers_who_may_not_read_get_no_room_and_garbage_rooms_are_refused()
    {
        var s = await app.SceneAsync(visibility: EventVisibility.Followers);
        using var anonymous = app.CreateClient();
        var refused = await anonymous.Http.GetAsync($"/live?room={s.Event.Id}&after=c0");
        Assert.Equal(HttpStatusCode.NoContent, refused.StatusCode);
        var garbage = await anonymous.Http.GetAsync("/live?room=not-an-id");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var unknown = await anonymous.Http.GetAsync($"/live?room={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        Assert.DoesNotContain("room=", (await s.FanClient.GetAsync(s.Event.EventUrl())).Document.QuerySelector("#live")?.GetAttribute("sse-connect") ?? "");
    }
}

using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>A room to chat in: an event of a new entity, its owner signed in, and a signed-in fan.</summary>
internal sealed record ChatScene(Entity Entity, Event Event, AppUser Manager, WebClient ManagerClient, AppUser Fan, WebClient FanClient);

/// <summary>The chat actions as a browser sends them: the real forms of the event page, with or without htmx.</summary>
internal static class ChatArrange
{
    public static async Task<ChatScene> SceneAsync(this ShowgeoApp app, EventPhase phase = EventPhase.Live,
        EventVisibility visibility = EventVisibility.Public, string fanName = "Chatty Fan", string managerName = "Mona Manager")
    {
        var manager = await app.UserAsync(displayName: managerName);
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: phase, visibility: visibility);
        var fan = await app.UserAsync(displayName: fanName);
        return new ChatScene(entity, ev, manager, await app.SignedInAsync(manager), fan, await app.SignedInAsync(fan));
    }

    public static string EventUrl(this Event e) => $"/events/{e.Slug}";

    /// <summary>Posts <paramref name="text"/> through the panel's form; returns the #chat-form fragment (htmx) or the response.</summary>
    public static async Task<HttpResponseMessage> SayAsync(this WebClient client, Event e, string text, bool htmx = true)
    {
        var page = await client.GetAsync(e.EventUrl());
        return await client.SubmitRawAsync(page.Document, "#chat-form form", new Dictionary<string, string> { ["text"] = text }, htmx: htmx);
    }

    public static async Task<IHtmlDocument> FragmentAsync(this HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        return WebClient.Parse(html);
    }

    public static async Task<string?> ChatErrorAsync(this HttpResponseMessage response) =>
        (await response.FragmentAsync()).QuerySelector("[data-testid=chat-error]")?.TextContent.Trim();

    public static async Task<List<string>> MessagesAsync(this ShowgeoApp app, Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<ChatMessage>().Where(m => m.EventId == eventId && m.DeletedAt == null).OrderBy(m => m.Seq).Select(m => m.Body).ToListAsync();
    }

    public static async Task<IReadOnlyList<string>> PanelMessagesAsync(this WebClient client, Event e) =>
        (await client.GetAsync(e.EventUrl())).Document.QuerySelectorAll("#chat-messages .chat-body").Select(b => b.TextContent.Trim()).ToList();

    public static async Task SetRoomAsync(this ShowgeoApp app, Guid eventId, int slow = 0, bool followersOnly = false, bool attendeesOnly = false)
    {
        await using var db = app.CreateDb();
        await db.Database.ExecuteSqlAsync($"INSERT INTO chat_rooms (event_id) VALUES ({eventId}) ON CONFLICT DO NOTHING");
        await db.Database.ExecuteSqlAsync($"UPDATE chat_rooms SET slow_mode_seconds = {slow}, followers_only = {followersOnly}, attendees_only = {attendeesOnly} WHERE event_id = {eventId}");
    }
}

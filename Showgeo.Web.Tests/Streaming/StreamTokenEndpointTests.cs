using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;

using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Streaming;

public sealed class StreamTokenEndpointTests(StreamApp app) : IClassFixture<StreamApp>
{
    private static async Task<(int Status, JsonElement Json)> AskAsync(WebClient client, string slug)
    {
        using var r = await StreamApp.TokenAsync(client, slug);
        return ((int)r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Theory]
    [InlineData(EventPhase.Post, 409, 409)]
    [InlineData(EventPhase.Cancelled, 409, 409)]
    [InlineData(EventPhase.Draft, 404, 409)]
    [InlineData(EventPhase.Live, 200, 200)]
    public async Task Stream_tokens_only_while_Pre_or_Live(EventPhase phase, int fanStatus, int managerStatus)
    {
        var (manager, managerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(managerUser.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true, phase: phase);
        Assert.Equal(fanStatus, (await AskAsync(app.CreateClient(), ev.Slug)).Status);
        var (status, json) = await AskAsync(manager, ev.Slug);
        Assert.Equal(managerStatus, status);
        if (status == 409) Assert.Equal(StreamingMessages.NotStreamingPhase, json.GetProperty("error").GetString());
        else Assert.Equal("host", json.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Stream_manager_of_another_entity_is_only_a_viewer_there()
    {
        var (manager, managerUser) = await app.SignedInUserAsync();
        await app.EntityAsync(members: [(managerUser.Id, EntityRole.Manager)]);
        var other = await app.EntityAsync();
        var ev = await app.EventAsync(other.Id, isFree: true);
        var (status, json) = await AskAsync(manager, ev.Slug);
        Assert.Equal(200, status);
        Assert.Equal("viewer", json.GetProperty("role").GetString());
        Assert.Equal(404, (await AskAsync(manager, "no-such-event")).Status);
    }

    [Fact]
    public async Task Stream_of_a_suspended_entity_is_closed_to_everyone_including_its_team()
    {
        var (manager, managerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(managerUser.Id, EntityRole.Owner)], suspended: true);
        var ev = await app.EventAsync(entity.Id, isFree: true, phase: EventPhase.Live);
        Assert.Equal(404, (await AskAsync(app.CreateClient(), ev.Slug)).Status);
        var (status, json) = await AskAsync(manager, ev.Slug);
        Assert.Equal(403, status);
        Assert.Equal(EventAccess.SuspendedMessage, json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Stream_refund_stops_new_tokens()
    {
        var tickets = await app.EventWithTicketsAsync();
        var order = await app.PaidOrderAsync(tickets, 1);
        using var fan = await app.SignedInAsync(order.Buyer);
        var (ok, json) = await AskAsync(fan, tickets.Event.Slug);
        Assert.Equal(200, ok);
        Assert.Equal("viewer", json.GetProperty("role").GetString());
        Assert.Equal(order.Buyer.DisplayName, json.GetProperty("name").GetString());
        var expires = json.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(11));
        await using (var db = app.CreateDb())
            await db.Set<Ticket>().Where(t => t.OrderId == order.Order.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Refunded));
        Assert.Equal(403, (await AskAsync(fan, tickets.Event.Slug)).Status);
    }

    [Fact]
    public async Task Stream_token_needs_the_antiforgery_token_and_a_POST()
    {
        var entity = await app.EntityAsync();
        var ev = await app.EventAsync(entity.Id, isFree: true);
        using var client = app.CreateClient();
        using var noToken = await client.Http.PostAsync($"/events/{ev.Slug}/stream/token", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.DoesNotContain("token\"", await noToken.Content.ReadAsStringAsync());
        using var get = await client.Http.GetAsync($"/events/{ev.Slug}/stream/token");
        Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Stream_room_opens_when_the_event_goes_live_and_closes_when_it_ends()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true);
        var room = StreamRooms.RoomName(ev);
        await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(ev.Id, EventPhase.Pre, EventPhase.Live, Arrange.Principal(owner.Id), null, default));
        await Eventually.TrueAsync(() => Task.FromResult(app.LiveKit.Rooms.ContainsKey(room)), "the room to be created");
        var create = app.LiveKit.CallsTo("CreateRoom").Single(c => c.Body["name"]!.ToString() == room);
        Assert.Equal(600, create.Body["emptyTimeout"]!.GetValue<int>());
        await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(ev.Id, EventPhase.Live, EventPhase.Post, Arrange.Principal(owner.Id), null, default));
        await Eventually.TrueAsync(() => Task.FromResult(!app.LiveKit.Rooms.ContainsKey(room)), "the room to be deleted");
    }

    [Fact]
    public async Task Stream_room_failure_is_retried_by_the_outbox_and_never_undoes_the_phase_change()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true);
        app.LiveKit.FailNext("RoomService/CreateRoom", "unavailable", "LiveKit is restarting", 503);
        var result = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(ev.Id, EventPhase.Pre, EventPhase.Live, Arrange.Principal(owner.Id), null, default));
        Assert.True(result.Succeeded);
        await Eventually.TrueAsync(() => Task.FromResult(app.LiveKit.Rooms.ContainsKey(StreamRooms.RoomName(ev))), "the retried room creation",
            TimeSpan.FromSeconds(60));
        await using var db = app.CreateDb();
        Assert.Equal(EventPhase.Live, await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.Phase).SingleAsync());
    }
}

/// <summary>The app with no LiveKit settings at all.</summary>
public sealed class StreamNotConfiguredTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Stream_without_LiveKit_says_so_and_the_rest_works()
    {
        var (manager, managerUser) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(managerUser.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true, phase: EventPhase.Live);
        using var token = await StreamApp.TokenAsync(manager, ev.Slug);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, token.StatusCode);
        Assert.Equal(StreamingMessages.NotConfigured, JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        using var webhook = await manager.Http.PostAsync("/webhooks/livekit", new StringContent("{}"));
        Assert.True(webhook.StatusCode == HttpStatusCode.NotFound, webhook.StatusCode + " " + await webhook.Content.ReadAsStringAsync());

        var page = await manager.GetAsync($"/manage/{entity.Slug}/events/{ev.Id}/stream");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(StreamingMessages.NotConfigured, page.Document.QuerySelector("[data-testid=stream-not-configured]")!.TextContent.Trim());
        Assert.Equal(StreamingMessages.NotConfigured, page.Document.QuerySelector("[data-testid=recording-unavailable]")!.TextContent.Trim());
        Assert.Null(page.Document.QuerySelector("button[formaction*=StartRecording], form[action*=StartRecording]"));

        // Going live still works; the room handler does nothing.
        var pre = await app.EventAsync(entity.Id, isFree: true);
        var result = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(pre.Id, EventPhase.Pre, EventPhase.Live, Arrange.Principal(managerUser.Id), null, default));
        Assert.True(result.Succeeded);
    }
}

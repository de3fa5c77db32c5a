using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Streaming;

/// <summary>
/// Guests on stage through the real pages without JavaScript (plain forms), against the fake LiveKit: a raised hand
/// alone or an invite alone grants nothing; both together grant publish in the room and a guest token; removing
/// revokes it. Signed invite links: valid, expired, tampered, for another account.
/// </summary>
public sealed class StageTests(StreamPagesApp app) : IClassFixture<StreamPagesApp>
{
    private async Task<(Entity Entity, Event Event, AppUser Host, AppUser Fan)> LiveShowAsync()
    {
        var host = await app.UserAsync(displayName: "Stage Host");
        var fan = await app.UserAsync(displayName: "Stage Fan " + Guid.NewGuid().ToString("N")[..4], handle: "fan" + Guid.NewGuid().ToString("N")[..8]);
        var entity = await app.EntityAsync(members: [(host.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: EventPhase.Live, isFree: true, startsAt: DateTimeOffset.UtcNow.AddMinutes(-5));
        return (entity, ev, host, fan);
    }

    private static async Task<string?> RoleFromTokenAsync(Infrastructure.WebClient client, string slug)
    {
        var watch = await client.GetAsync($"/events/{slug}/watch");
        using var response = await client.PostAsync($"/events/{slug}/stream/token", watch.Document);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return json.TryGetProperty("role", out var r) ? r.GetString() : null;
    }

    private async Task<int> SeatRowsAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<StageSeat>().CountAsync(s => s.EventId == eventId && (s.InvitedAt != null || s.HandRaisedAt != null));
    }

    [Fact]
    public async Task Stage_raise_then_invite_grants_publish_on_LiveKit_and_a_guest_token_and_remove_revokes_it()
    {
        var (_, ev, host, fan) = await LiveShowAsync();
        using var fanClient = await app.SignedInAsync(fan);
        using var hostClient = await app.SignedInAsync(host);
        Assert.Equal("viewer", await RoleFromTokenAsync(fanClient, ev.Slug));

        var watch = await fanClient.GetAsync($"/events/{ev.Slug}/watch");
        var raised = await fanClient.SubmitAsync(watch.Document, "#stage-hand form");
        Assert.Contains("Your hand is raised", raised.Text);
        Assert.Equal("viewer", await RoleFromTokenAsync(fanClient, ev.Slug));
        Assert.DoesNotContain(app.LiveKit.Updates, u => u.Identity == fan.Id.ToString());

        app.LiveKit.InRoom[fan.Id.ToString()] = 0;
        var studio = await hostClient.GetAsync($"/events/{ev.Slug}/studio");
        Assert.Equal(HttpStatusCode.OK, studio.Status);
        var seat = studio.Document.QuerySelector($"[data-testid=stage-seat][data-user-id='{fan.Id}']");
        Assert.NotNull(seat);
        Assert.Contains("hand raised", seat!.TextContent);
        var invited = await hostClient.SubmitAsync(studio.Document, $"[data-user-id='{fan.Id}'] form[action*='handler=Invite']");
        Assert.Contains("is on stage", invited.Text);
        var grant = Assert.Single(app.LiveKit.Updates, u => u.Identity == fan.Id.ToString());
        Assert.True(grant.CanPublish);
        Assert.Equal(StreamRooms.RoomName(ev.Id), grant.Room);
        Assert.Equal("guest", await RoleFromTokenAsync(fanClient, ev.Slug));

        studio = await hostClient.GetAsync($"/events/{ev.Slug}/studio");
        var removed = await hostClient.SubmitAsync(studio.Document, $"[data-user-id='{fan.Id}'] form[action*='handler=Remove']");
        Assert.Contains("has left the stage", removed.Text);
        Assert.False(app.LiveKit.Updates.Last(u => u.Identity == fan.Id.ToString()).CanPublish);
        Assert.Equal("viewer", await RoleFromTokenAsync(fanClient, ev.Slug));
        Assert.Equal(0, await SeatRowsAsync(ev.Id));
    }

    [Fact]
    public async Task Stage_invites_for_someone_without_a_raised_hand_or_not_in_the_room_are_refused_and_write_nothing()
    {
        var (_, ev, host, fan) = await LiveShowAsync();
        using var hostClient = await app.SignedInAsync(host);
        var studio = await hostClient.GetAsync($"/events/{ev.Slug}/studio");
        app.LiveKit.InRoom[fan.Id.ToString()] = 0;
        using var noHand = await hostClient.PostAsync($"/events/{ev.Slug}/studio?handler=Invite", studio.Document,
            new Dictionary<string, string> { ["userId"] = fan.Id.ToString() }, htmx: true);
        Assert.Contains(StageService.NoHandMessage, await noHand.Content.ReadAsStringAsync());
        Assert.Equal(0, await SeatRowsAsync(ev.Id));

        // A hand raised, then the viewer leaves the room before the invite.
        using var fanClient = await app.SignedInAsync(fan);
        var watch = await fanClient.GetAsync($"/events/{ev.Slug}/watch");
        await fanClient.SubmitAsync(watch.Document, "#stage-hand form");
        app.LiveKit.InRoom.TryRemove(fan.Id.ToString(), out _);
        using var gone = await hostClient.PostAsync($"/events/{ev.Slug}/studio?handler=Invite", studio.Document,
            new Dictionary<string, string> { ["userId"] = fan.Id.ToString() }, htmx: true);
        Assert.Contains(StageService.NotInRoomMessage, await gone.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        Assert.Null(await db.Set<StageSeat>().Where(s => s.EventId == ev.Id && s.UserId == fan.Id).Select(s => s.InvitedAt).SingleAsync());
        Assert.DoesNotContain(app.LiveKit.Updates, u => u.Identity == fan.Id.ToString());
    }

    [Fact]
    public async Task Stage_invite_link_from_the_studio_puts_the_named_guest_on_stage()
    {
        var (_, ev, host, fan) = await LiveShowAsync();
        using var hostClient = await app.SignedInAsync(host);
        var studio = await hostClient.GetAsync($"/events/{ev.Slug}/studio");
        var made = await hostClient.SubmitAsync(studio.Document, "#studio-stage form[action*='handler=InviteLink']",
            new Dictionary<string, string> { ["handle"] = "@" + fan.Handle });
        var link = made.Document.QuerySelector("[data-testid=stage-invite-link]")?.GetAttribute("value");
        Assert.NotNull(link);

        using var fanClient = await app.SignedInAsync(fan);
        var invited = await fanClient.GetAsync(new Uri(link!).PathAndQuery);
        var joined = await fanClient.SubmitAsync(invited.Document, "#stage-hand form[action*='handler=Join']");
        Assert.Contains("You are on stage", joined.Text);
        Assert.Equal("guest", await RoleFromTokenAsync(fanClient, ev.Slug));
    }

    [Fact]
    public async Task Stage_invite_links_expired_tampered_or_for_another_account_are_refused_and_write_nothing()
    {
        var (_, ev, _, fan) = await LiveShowAsync();
        var other = await app.UserAsync(displayName: "Someone Else");
        var invites = app.Services.GetRequiredService<StageInvites>();
        var valid = invites.Create(ev.Id, fan.Id, fan.DisplayName);
        var expired = invites.Create(ev.Id, fan.Id, fan.DisplayName, TimeSpan.FromMinutes(-1));
        var tampered = valid[..^3] + (valid[^3] == 'A' ? 'B' : 'A') + valid[^2..];
        var otherEvent = invites.Create(Guid.NewGuid(), fan.Id, fan.DisplayName);

        using var fanClient = await app.SignedInAsync(fan);
        var watch = await fanClient.GetAsync($"/events/{ev.Slug}/watch");
        foreach (var (token, message) in new[]
                 {
                     (expired, StageInvites.ExpiredMessage), (tampered, StageInvites.InvalidMessage),
                     (otherEvent, StageInvites.OtherEventMessage), ("not-a-token", StageInvites.InvalidMessage),
                 })
        {
            using var response = await fanClient.PostAsync($"/events/{ev.Slug}/watch?handler=Join", watch.Document,
                new Dictionary<string, string> { ["invite"] = token }, htmx: true);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(message), await response.Content.ReadAsStringAsync());
        }
        using var otherClient = await app.SignedInAsync(other);
        var otherWatch = await otherClient.GetAsync($"/events/{ev.Slug}/watch");
        using var wrongAccount = await otherClient.PostAsync($"/events/{ev.Slug}/watch?handler=Join", otherWatch.Document,
            new Dictionary<string, string> { ["invite"] = valid }, htmx: true);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(StageInvites.OtherAccountMessage), await wrongAccount.Content.ReadAsStringAsync());
        Assert.Equal(0, await SeatRowsAsync(ev.Id));

        Assert.Null(invites.Read(valid, ev.Id).Refusal);
    }
}

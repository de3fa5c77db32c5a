using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;

using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Streaming;

public enum Viewer { Anonymous, Fan, Follower, TicketHolder, Refunded, RsvpGoing, OutOfRegion, Banned, Coordinator, Manager }
public enum Audience { Public, FollowersOnly, Paid, Rsvp }

/// <summary>
/// One entity with a coordinator and a manager, four Pre events (all limited to GB) and a signed-in client per kind of
/// viewer: the follower follows, the ticket holder holds a paid ticket, the refunded fan's ticket was refunded, the RSVP
/// fan said "going" to the RSVP event; the out-of-region and banned fans have all of that too but are in the US / banned.
/// </summary>
public sealed class StreamAccessWorld : StreamApp
{
    public Dictionary<Audience, string> Slugs { get; } = [];
    public Dictionary<Viewer, WebClient> Clients { get; } = [];
    public Entity Entity { get; private set; } = null!;
    public Dictionary<Viewer, Guid> UserIds { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var users = new Dictionary<Viewer, Web.Data.AppUser>();
        foreach (var v in Enum.GetValues<Viewer>().Where(v => v != Viewer.Anonymous))
            users[v] = await this.UserAsync(displayName: "Viewer " + v);
        Entity = await this.EntityAsync(members: [(users[Viewer.Coordinator].Id, EntityRole.Coordinator), (users[Viewer.Manager].Id, EntityRole.Manager)]);
        var pub = await this.EventAsync(Entity.Id, isFree: true);
        var followers = await this.EventAsync(Entity.Id, isFree: true, visibility: EventVisibility.Followers);
        var paid = await this.EventAsync(Entity.Id);
        var type = await this.TicketTypeAsync(paid.Id);
        var rsvp = await this.EventAsync(Entity.Id, isFree: true);
        (Slugs[Audience.Public], Slugs[Audience.FollowersOnly], Slugs[Audience.Paid], Slugs[Audience.Rsvp]) = (pub.Slug, followers.Slug, paid.Slug, rsvp.Slug);
        var tickets = new TicketedEvent(Entity, paid, type, users[Viewer.Manager]);
        foreach (var v in new[] { Viewer.TicketHolder, Viewer.Refunded, Viewer.OutOfRegion, Viewer.Banned })
            await this.PaidOrderAsync(tickets, 1, users[v]);
        foreach (var v in new[] { Viewer.Follower, Viewer.OutOfRegion, Viewer.Banned })
            await this.FollowAsync(users[v].Id, Entity.Id);
        await using (var db = CreateDb())
        {
            foreach (var v in new[] { Viewer.RsvpGoing, Viewer.OutOfRegion, Viewer.Banned })
                db.Add(new Rsvp { EventId = rsvp.Id, UserId = users[v].Id, Status = RsvpStatus.Going, CreatedAt = DateTimeOffset.UtcNow });
            // Interested is not going.
            db.Add(new Rsvp { EventId = rsvp.Id, UserId = users[Viewer.Fan].Id, Status = RsvpStatus.Interested, CreatedAt = DateTimeOffset.UtcNow });
            db.Add(new ChatBan { EntityId = Entity.Id, UserId = users[Viewer.Banned].Id, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            var refunded = users[Viewer.Refunded].Id;
            await db.Set<Ticket>().Where(t => t.UserId == refunded).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Refunded));
            await db.Set<Event>().Where(e => e.EntityId == Entity.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.AllowedCountries, new[] { "GB" }));
            await db.Set<Event>().Where(e => e.Id == rsvp.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.StreamRequiresSignIn, true));
        }
        Clients[Viewer.Anonymous] = CreateClient();
        foreach (var (v, user) in users)
        {
            Clients[v] = await this.SignedInAsync(user);
            UserIds[v] = user.Id;
        }
        foreach (var (v, client) in Clients)
            client.Http.DefaultRequestHeaders.Add(CountryHeader, v == Viewer.OutOfRegion ? "US" : "GB");
    }

    public override async Task DisposeAsync()
    {
        foreach (var c in Clients.Values) c.Dispose();
        await base.DisposeAsync();
    }
}

public sealed class StreamAccessMatrixTests(StreamAccessWorld world) : IClassFixture<StreamAccessWorld>
{
    private const string V = "viewer", H = "host";

    /// <summary>Each cell: the role granted, or the refusal status.</summary>
    public static TheoryData<Viewer, Audience, string> Matrix()
    {
        var cells = new Dictionary<Viewer, string[]>
        {
            //                          Public FollowersOnly Paid   Rsvp
            [Viewer.Anonymous] =    [V,    "403",        "401", "401"],
            [Viewer.Fan] =          [V,    "403",        "403", "403"],
            [Viewer.Follower] =     [V,    V,            "403", "403"],
            [Viewer.TicketHolder] = [V,    "403",        V,     "403"],
            [Viewer.Refunded] =     [V,    "403",        "403", "403"],
            [Viewer.RsvpGoing] =    [V,    "403",        "403", V],
            [Viewer.OutOfRegion] =  ["403", "403",       "403", "403"],
            [Viewer.Banned] =       ["403", "403",       "403", "403"],
            [Viewer.Coordinator] =  [H,    H,            H,     H],
            [Viewer.Manager] =      [H,    H,            H,     H],
        };
        var data = new TheoryData<Viewer, Audience, string>();
        foreach (var (viewer, row) in cells)
            foreach (var audience in Enum.GetValues<Audience>())
                data.Add(viewer, audience, row[(int)audience]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Stream_token_follows_the_access_matrix(Viewer viewer, Audience audience, string expected)
    {
        using var response = await StreamApp.TokenAsync(world.Clients[viewer], world.Slugs[audience]);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (expected is V or H)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, json.GetProperty("role").GetString());
            var claims = JsonDocument.Parse(FakeLiveKit.FromB64Url(json.GetProperty("token").GetString()!.Split('.')[1])).RootElement;
            var video = claims.GetProperty("video");
            Assert.Equal(expected == H, video.GetProperty("canPublish").GetBoolean());
            Assert.True(video.GetProperty("canSubscribe").GetBoolean());
            Assert.Equal(json.GetProperty("room").GetString(), video.GetProperty("room").GetString());
            Assert.Equal(json.GetProperty("identity").GetString(), claims.GetProperty("sub").GetString());
            if (viewer == Viewer.Anonymous) Assert.StartsWith("anon-", json.GetProperty("identity").GetString());
            else Assert.Equal(world.UserIds[viewer].ToString(), json.GetProperty("identity").GetString());
            Assert.Equal(world.LiveKit.WsUrl, json.GetProperty("url").GetString());
        }
        else
        {
            Assert.Equal(int.Parse(expected), (int)response.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
            Assert.False(json.TryGetProperty("token", out _));
        }
    }

    [Fact]
    public async Task Stream_refusals_say_why_in_a_sentence()
    {
        async Task<string> Error(Viewer v, Audience a)
        {
            using var r = await StreamApp.TokenAsync(world.Clients[v], world.Slugs[a]);
            return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        }
        Assert.Equal(StreamingMessages.Banned, await Error(Viewer.Banned, Audience.Public));
        Assert.Equal(ViewerCountry.NotAvailableMessage, await Error(Viewer.OutOfRegion, Audience.Public));
        Assert.Equal(StreamingMessages.TicketRequired, await Error(Viewer.Refunded, Audience.Paid));
        Assert.Equal(StreamingMessages.RsvpRequired, await Error(Viewer.Fan, Audience.Rsvp));
        Assert.Equal(EventAccess.FollowersOnlyMessage, await Error(Viewer.Fan, Audience.FollowersOnly));
        Assert.Equal(StreamingMessages.SignInToWatch, await Error(Viewer.Anonymous, Audience.Rsvp));
    }
}

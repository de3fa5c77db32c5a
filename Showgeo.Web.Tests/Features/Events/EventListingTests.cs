using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Events;

/// <summary>
/// One rule decides which events are publicly listed, and the home page, discovery, the entity's page and the tour's
/// page all apply it: an event either shows on each of them or on none.
/// </summary>
public sealed class EventListingTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private const string City = "Listville";

    public static TheoryData<string> Hidden => ["unlisted", "followers only", "draft", "cancelled"];

    [Fact]
    public async Task A_public_published_event_shows_on_home_discovery_the_entity_page_and_the_tour_page()
    {
        var (entity, tour) = await EntityWithTourAsync("shown");
        var ev = await StopAsync(entity, tour, "shown-night", EventVisibility.Public, EventPhase.Pre);

        using var client = app.CreateClient();
        foreach (var page in ListPages(entity.Slug, tour))
            Assert.True(await ListsAsync(client, page, ev.Id), $"{page} should list the event.");
    }

    [Theory]
    [MemberData(nameof(Hidden))]
    public async Task An_event_that_is_not_publicly_listed_is_absent_from_all_four_lists(string kind)
    {
        var (entity, tour) = await EntityWithTourAsync(kind.Replace(' ', '-'));
        var (visibility, phase) = kind switch
        {
            "unlisted" => (EventVisibility.Unlisted, EventPhase.Pre),
            "followers only" => (EventVisibility.Followers, EventPhase.Pre),
            "draft" => (EventVisibility.Public, EventPhase.Draft),
            _ => (EventVisibility.Public, EventPhase.Cancelled),
        };
        var hidden = await StopAsync(entity, tour, $"hidden-{kind.Replace(' ', '-')}", visibility, phase);
        var shown = await StopAsync(entity, tour, $"beside-{kind.Replace(' ', '-')}", EventVisibility.Public, EventPhase.Pre);

        // A follower of the entity sees the same lists: a followers-only event is opened from its page, never listed.
        var followerUser = await app.UserAsync(displayName: "List Follower");
        await app.FollowAsync(followerUser.Id, entity.Id);
        using var follower = await app.SignedInAsync(followerUser);
        using var anonymous = app.CreateClient();
        foreach (var client in new[] { anonymous, follower })
            foreach (var page in ListPages(entity.Slug, tour))
            {
                Assert.True(await ListsAsync(client, page, shown.Id), $"{page} should list the public event beside it.");
                Assert.False(await ListsAsync(client, page, hidden.Id), $"{page} lists a {kind} event.");
            }
    }

    [Fact]
    public async Task A_suspended_entitys_events_are_listed_nowhere_and_its_pages_are_gone()
    {
        var (entity, tour) = await EntityWithTourAsync("suspended");
        var ev = await StopAsync(entity, tour, "suspended-night", EventVisibility.Public, EventPhase.Pre);
        await using (var db = app.CreateDb())
            await db.Set<Showgeo.Web.Features.Entities.Entity>().Where(e => e.Id == entity.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.SuspendedAt, DateTimeOffset.UtcNow).SetProperty(e => e.SuspensionReason, "Test"));

        using var client = app.CreateClient();
        Assert.False(await ListsAsync(client, "/", ev.Id));
        Assert.False(await ListsAsync(client, $"/events?city={City}", ev.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/e/{entity.Slug}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/tours/{tour}")).Status);
    }

    [Fact]
    public async Task A_past_event_stays_listed_on_the_entity_and_tour_pages_but_leaves_home_and_discovery()
    {
        var (entity, tour) = await EntityWithTourAsync("past");
        var ev = await StopAsync(entity, tour, "past-night", EventVisibility.Public, EventPhase.Post, DaysFromNow(-3));

        using var client = app.CreateClient();
        Assert.False(await ListsAsync(client, "/", ev.Id));
        Assert.False(await ListsAsync(client, $"/events?city={City}", ev.Id));
        var profile = await client.GetAsync($"/e/{entity.Slug}");
        Assert.NotNull(profile.Document.QuerySelector($"#past-events .event-card[data-event-id='{ev.Id}']"));
        Assert.True(await ListsAsync(client, $"/tours/{tour}", ev.Id));
    }

    private static string[] ListPages(string entitySlug, string tourSlug) =>
        ["/", $"/events?city={City}", $"/e/{entitySlug}", $"/tours/{tourSlug}"];

    private static async Task<bool> ListsAsync(WebClient client, string url, Guid eventId)
    {
        var page = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Document.QuerySelector($".event-card[data-event-id='{eventId}']") is not null;
    }

    private async Task<(Showgeo.Web.Features.Entities.Entity Entity, string TourSlug)> EntityWithTourAsync(string name)
    {
        var entity = await app.EntityAsync($"lister-{name}", $"Lister {name}");
        var tour = await app.TourAsync(entity.Id, $"tour-{name}", $"Tour {name}");
        return (entity, tour.Slug);
    }

    private async Task<Event> StopAsync(Showgeo.Web.Features.Entities.Entity entity, string tourSlug, string slug,
        EventVisibility visibility, EventPhase phase, DateTimeOffset? startsAt = null)
    {
        await using var db = app.CreateDb();
        var tourId = await db.Set<Showgeo.Web.Features.Tours.Tour>().Where(t => t.Slug == tourSlug).Select(t => t.Id).SingleAsync();
        return await app.EventAsync(entity.Id, slug, $"Night {slug}", startsAt ?? DaysFromNow(2), city: City,
            visibility: visibility, phase: phase, tourId: tourId);
    }
}

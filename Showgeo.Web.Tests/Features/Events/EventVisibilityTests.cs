using System.Net;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Events;

public sealed class EventVisibilityTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task A_draft_is_not_found_for_visitors_and_fans_but_previewable_by_the_team()
    {
        var (coordinator, coordinatorUser) = await app.SignedInUserAsync(displayName: "Dee Draft");
        var (fan, _) = await app.SignedInUserAsync(displayName: "Fin Fan");
        var entity = await app.EntityAsync(name: "Test Entity", members: [(coordinatorUser.Id, EntityRole.Coordinator)]);
        var e = await app.EventAsync(entity.Id, phase: EventPhase.Draft);
        using var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/events/{e.Slug}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/events/{e.Slug}")).Status);
        var preview = await coordinator.GetAsync($"/events/{e.Slug}");
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Contains("only Test Entity's team can see this page", preview.Text);
        Assert.Equal("Draft", preview.Document.QuerySelector("[data-testid=phase-badge]")?.TextContent.Trim());
    }

    [Fact]
    public async Task An_unlisted_event_opens_by_link_for_anyone()
    {
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, visibility: EventVisibility.Unlisted, description: "Secret description text");
        using var anonymous = app.CreateClient();

        var page = await anonymous.GetAsync($"/events/{e.Slug}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Secret description text", page.Text);
        Assert.NotNull(page.Document.QuerySelector("section#tickets"));
    }

    [Fact]
    public async Task A_followers_only_event_shows_details_to_followers_and_team_and_a_follow_hint_to_others()
    {
        var (follower, followerUser) = await app.SignedInUserAsync(displayName: "Flo Follower");
        var (stranger, _) = await app.SignedInUserAsync(displayName: "Stan Stranger");
        var (manager, managerUser) = await app.SignedInUserAsync(displayName: "Mo Manager");
        var entity = await app.EntityAsync(name: "Test Entity", members: [(managerUser.Id, EntityRole.Manager)]);
        var e = await app.EventAsync(entity.Id, visibility: EventVisibility.Followers, isFree: true, description: "Secret description text");
        await app.FollowAsync(followerUser.Id, entity.Id);
        using var anonymous = app.CreateClient();

        foreach (var outsider in new[] { anonymous, stranger })
        {
            var blocked = await outsider.GetAsync($"/events/{e.Slug}");
            Assert.Contains("This event is for followers of Test Entity only.", blocked.Document.QuerySelector("#followers-only")?.TextContent);
            Assert.NotNull(blocked.Document.QuerySelector($".follow-hint a[href='/e/{entity.Slug}']"));
            Assert.DoesNotContain("Secret description text", blocked.Text);
            Assert.Null(blocked.Document.QuerySelector("#rsvp"));
        }
        var strangerPage = await stranger.GetAsync("/");
        using (var post = await stranger.PostAsync($"/events/{e.Slug}?handler=Rsvp", strangerPage.Document,
                   new Dictionary<string, string> { ["status"] = "Going" }, htmx: true))
            Assert.Contains("This event is for followers only.", await post.Content.ReadAsStringAsync());

        foreach (var insider in new[] { follower, manager })
        {
            var page = await insider.GetAsync($"/events/{e.Slug}");
            Assert.Contains("Secret description text", page.Text);
            Assert.NotNull(page.Document.QuerySelector("#rsvp form.rsvp-going"));
        }
    }

    [Fact]
    public async Task The_event_page_shows_phase_local_time_venue_and_tour()
    {
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, phase: EventPhase.Live, startsAt: new DateTimeOffset(2030, 6, 1, 18, 0, 0, TimeSpan.Zero),
            timeZone: "Europe/London", venue: "The Hall", city: "Leeds");
        using var anonymous = app.CreateClient();

        var page = await anonymous.GetAsync($"/events/{e.Slug}");
        Assert.Equal("LIVE", page.Document.QuerySelector("[data-testid=phase-badge]")?.TextContent.Trim());
        Assert.Contains("19:00 (Europe/London)", page.Document.QuerySelector(".when")?.TextContent); // 18:00Z in BST
        Assert.Contains("The Hall, Leeds, GB", page.Document.QuerySelector(".where")?.TextContent);
    }
}

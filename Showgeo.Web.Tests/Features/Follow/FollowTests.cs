using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using static Showgeo.Web.Tests.Infrastructure.Arrange;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using FollowRow = Showgeo.Web.Features.Follow.Follow;

namespace Showgeo.Web.Tests.Features.Follow;

/// <summary>
/// The app with a bounded connection pool, as production should run: a burst of requests then queues for connections
/// instead of exhausting PostgreSQL's slots (which the machine shares with other test runs).
/// </summary>
public sealed class BoundedPoolApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Showgeo"] += ";Maximum Pool Size=20";
        return Task.CompletedTask;
    }
}

public sealed class FollowTests(BoundedPoolApp app) : IClassFixture<BoundedPoolApp>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<(int Count, int Rows)> CountsAsync(Guid entityId)
    {
        await using var db = app.CreateDb();
        var count = await db.Set<Entity>().Where(e => e.Id == entityId).Select(e => e.FollowerCount).SingleAsync();
        var rows = await db.Set<FollowRow>().CountAsync(f => f.EntityId == entityId);
        return (count, rows);
    }

    [Fact]
    public async Task Htmx_follow_returns_the_button_fragment_with_unfollow_and_the_raised_count()
    {
        var entity = await app.EntityAsync(Unique("band"), "The Htmx Band");
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var profile = await fan.GetAsync($"/e/{entity.Slug}");
        Assert.Contains("0 followers", profile.Document.QuerySelector($"#follow-{entity.Id}")!.TextContent);

        var followed = await fan.SubmitRawAsync(profile.Document, $"#follow-{entity.Id}", htmx: true);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        var html = await followed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        var fragment = WebClient.Parse(html);
        var root = fragment.Body!.FirstElementChild!;
        Assert.Equal($"follow-{entity.Id}", root.Id);
        Assert.Equal("1 follower", root.QuerySelector("[data-testid=follower-count]")!.TextContent.Trim());
        Assert.Equal("Unfollow", root.QuerySelector("button")!.TextContent.Trim());
        Assert.Equal((1, 1), await CountsAsync(entity.Id));

        // The swapped-in fragment is itself the form for the next click.
        var unfollowed = WebClient.Parse(await (await fan.SubmitRawAsync(fragment, $"#follow-{entity.Id}", htmx: true)).Content.ReadAsStringAsync());
        Assert.Equal("0 followers", unfollowed.QuerySelector("[data-testid=follower-count]")!.TextContent.Trim());
        Assert.Equal("Follow", unfollowed.QuerySelector("button")!.TextContent.Trim());
        Assert.Equal((0, 0), await CountsAsync(entity.Id));
    }

    [Fact]
    public async Task Htmx_follow_reply_replaces_every_copy_of_the_entitys_button_on_the_page()
    {
        var city = "Copyton" + Guid.NewGuid().ToString("N")[..8];
        var entity = await app.EntityAsync(Unique("band"), "The Everywhere Band");
        var other = await app.EntityAsync(Unique("band"), "The Other Band");
        await app.EventAsync(entity.Id, Unique("gig"), "First Night", DaysFromNow(3), city: city);
        await app.EventAsync(other.Id, Unique("gig"), "Other Night", DaysFromNow(4), city: city);
        await app.EventAsync(entity.Id, Unique("gig"), "Second Night", DaysFromNow(5), city: city);
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var discovery = await fan.GetAsync($"/events?city={city}");
        var copies = discovery.Document.QuerySelectorAll($"[data-follow-entity='{entity.Id}']");
        Assert.Equal(2, copies.Length);
        // The clicked form swaps nothing itself: the reply's out-of-band swap replaces it along with the others.
        Assert.All(copies, c => Assert.Equal("none", c.GetAttribute("hx-swap")));

        using var followed = await fan.SubmitRawAsync(discovery.Document, $"#follow-{entity.Id}", htmx: true);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        var root = WebClient.Parse(await followed.Content.ReadAsStringAsync()).Body!.FirstElementChild!;
        var oob = root.GetAttribute("hx-swap-oob");
        Assert.NotNull(oob);
        Assert.StartsWith("outerHTML:", oob);
        var selector = oob["outerHTML:".Length..];
        Assert.Equal(copies, discovery.Document.QuerySelectorAll(selector));
        Assert.True(root.Matches(selector), "the replacement must be found again by the next click's reply");
        Assert.Equal("1 follower", root.QuerySelector("[data-testid=follower-count]")!.TextContent.Trim());
        Assert.Equal("Unfollow", root.QuerySelector("button")!.TextContent.Trim());
        Assert.Equal($"/follow/{entity.Id}?handler=Unfollow", root.GetAttribute("hx-post"));
        Assert.Equal((1, 1), await CountsAsync(entity.Id));
        Assert.Equal((0, 0), await CountsAsync(other.Id));
    }

    [Fact]
    public async Task Follow_without_javascript_redirects_back_to_the_page_it_was_clicked_on()
    {
        var entity = await app.EntityAsync(Unique("band"), "The Form Band");
        await app.EventAsync(entity.Id, Unique("gig"), "Form Night", DaysFromNow(5), city: "Leeds");
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var discovery = await fan.GetAsync("/events?city=Leeds");

        var response = await fan.SubmitRawAsync(discovery.Document, $"#follow-{entity.Id}");
        Assert.True(response.IsRedirect());
        Assert.Equal("/events?city=Leeds", response.Headers.Location!.OriginalString);

        var back = await fan.FollowAsync(response);
        var button = back.Document.QuerySelector($"#follow-{entity.Id}")!;
        Assert.Equal("Unfollow", button.QuerySelector("button")!.TextContent.Trim());
        Assert.Equal("1 follower", button.QuerySelector("[data-testid=follower-count]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Follow_form_never_redirects_off_site()
    {
        var entity = await app.EntityAsync(Unique("band"), "The Safe Band");
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var profile = await fan.GetAsync($"/e/{entity.Slug}");
        var response = await fan.SubmitRawAsync(profile.Document, $"#follow-{entity.Id}",
            new Dictionary<string, string> { ["returnUrl"] = "https://evil.example/steal" });
        Assert.True(response.IsRedirect());
        Assert.Equal($"/e/{entity.Slug}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Fifty_fans_following_at_once_leave_the_count_at_exactly_fifty_with_no_duplicate_rows()
    {
        var entity = await app.EntityAsync(Unique("band"), "The Popular Band");
        var fans = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i => await app.SignedInAsync(await app.UserAsync(displayName: $"Fan {i}"))));
        var pages = await Task.WhenAll(fans.Select(f => f.GetAsync($"/e/{entity.Slug}")));

        // Every fan clicks twice (a double click), all at the same moment: 100 posts for 50 follows.
        using var start = new ManualResetEventSlim(false);
        var posts = fans.SelectMany((fan, i) => new[] { 0, 1 }.Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var r = await fan.SubmitRawAsync(pages[i].Document, $"#follow-{entity.Id}", htmx: true);
            return r.StatusCode;
        }))).ToList();
        start.Set();
        var statuses = await Task.WhenAll(posts);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((50, 50), await CountsAsync(entity.Id));
        foreach (var f in fans) f.Dispose();
    }

    [Fact]
    public async Task Following_a_suspended_entity_is_refused_with_a_message_and_changes_nothing()
    {
        var entity = await app.EntityAsync(Unique("band"), "The Suspended Band", suspended: true);
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var home = await fan.GetAsync("/");

        var plain = await fan.PostAsync($"/follow/{entity.Id}?handler=Follow", home.Document);
        Assert.Equal(HttpStatusCode.Conflict, plain.StatusCode);
        Assert.Contains("suspended", await plain.Content.ReadAsStringAsync());

        var htmx = await fan.PostAsync($"/follow/{entity.Id}?handler=Follow", home.Document, htmx: true);
        var fragment = await htmx.Content.ReadAsStringAsync();
        Assert.Contains("is suspended and cannot be followed", fragment);
        Assert.Contains("0 followers", fragment);

        Assert.Equal((0, 0), await CountsAsync(entity.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{entity.Slug}")).Status);
    }

    [Fact]
    public async Task Following_an_unknown_entity_is_not_found()
    {
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var home = await fan.GetAsync("/");
        var response = await fan.PostAsync($"/follow/{Guid.NewGuid()}?handler=Follow", home.Document);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_visitor_sees_sign_in_to_follow_and_cannot_post_a_follow()
    {
        var entity = await app.EntityAsync(Unique("band"), "The Public Band");
        using var anon = app.CreateClient();
        var profile = await anon.GetAsync($"/e/{entity.Slug}");
        var link = profile.Document.QuerySelector($"#follow-{entity.Id} a")!;
        Assert.Equal("Sign in to follow", link.TextContent.Trim());
        Assert.Contains("returnUrl=%2Fe%2F" + entity.Slug, link.GetAttribute("href"));

        // The cached profile carries no token (nothing on it posts for an anonymous visitor): take one from the sign-in form.
        Assert.Null(profile.Document.QuerySelector("#antiforgery"));
        var response = await anon.PostAsync($"/follow/{entity.Id}?handler=Follow", (await anon.GetAsync("/account/login")).Document);
        Assert.True(response.IsRedirect());
        Assert.StartsWith("/account/login", response.Headers.Location!.AbsolutePath);
        Assert.Equal((0, 0), await CountsAsync(entity.Id));
    }

    [Fact]
    public async Task Fan_sees_the_entities_they_follow_and_can_unfollow_from_there()
    {
        var followed = await app.EntityAsync(Unique("band"), "Followed Band");
        var other = await app.EntityAsync(Unique("band"), "Other Band");
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fan"));
        var profile = await fan.GetAsync($"/e/{followed.Slug}");
        await fan.SubmitAsync(profile.Document, $"#follow-{followed.Id}");

        var mine = await fan.GetAsync("/me/follows");
        Assert.Contains("Followed Band", mine.Document.QuerySelector("#my-follows")!.TextContent);
        Assert.DoesNotContain("Other Band", mine.Text);

        var after = await fan.SubmitAsync(mine.Document, $"#follow-{followed.Id}");
        Assert.Equal("/me/follows", after.Path);
        Assert.DoesNotContain("Followed Band", after.Text);
        Assert.Equal((0, 0), await CountsAsync(followed.Id));
        Assert.Equal((0, 0), await CountsAsync(other.Id));
    }

    [Fact]
    public async Task Manager_sees_followers_in_pages_and_coordinators_and_strangers_are_refused()
    {
        var entity = await app.EntityAsync(Unique("band"), "Managed Band");
        var now = DateTimeOffset.UtcNow;
        foreach (var chunk in Enumerable.Range(0, 55).Chunk(10))
            await Task.WhenAll(chunk.Select(async i =>
                await app.FollowAsync((await app.UserAsync(displayName: $"Follower {i:00}")).Id, entity.Id, now.AddMinutes(-i))));

        var managerUser = await app.UserAsync(displayName: "Manager");
        var coordinatorUser = await app.UserAsync(displayName: "Coordinator");
        await app.AddMemberAsync(entity.Id, managerUser.Id, EntityRole.Manager);
        await app.AddMemberAsync(entity.Id, coordinatorUser.Id, EntityRole.Coordinator);
        using var manager = await app.SignedInAsync(managerUser);
        using var coordinator = await app.SignedInAsync(coordinatorUser);
        using var stranger = await app.SignedInAsync(await app.UserAsync(displayName: "Stranger"));

        var first = await manager.GetAsync($"/manage/{entity.Slug}/followers");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(50, first.Document.QuerySelectorAll("#followers tbody tr").Length);
        Assert.Contains("Follower 00", first.Document.QuerySelector("#followers tbody tr")!.TextContent);
        var next = first.Document.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var second = await manager.GetAsync(next);
        Assert.Equal(5, second.Document.QuerySelectorAll("#followers tbody tr").Length);
        Assert.Contains("Follower 54", second.Text);

        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.GetAsync($"/manage/{entity.Slug}/followers")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/manage/{entity.Slug}/followers")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/manage/{entity.Slug}/followers?page=-3")).Status);
    }

    [Fact]
    public async Task Entity_page_shows_profile_upcoming_and_past_events_and_tours()
    {
        var entity = await app.EntityAsync(Unique("band"), "Profile Band", genres: ["jazz", "soul"], bio: "Profile Band plays live.");
        await app.EventAsync(entity.Id, Unique("next"), "Next Gig", DaysFromNow(3), city: "York");
        await app.EventAsync(entity.Id, Unique("old"), "Old Gig", DaysFromNow(-30), city: "York", phase: Showgeo.Web.Features.Events.EventPhase.Post);
        await app.EventAsync(entity.Id, Unique("secret"), "Unlisted Gig", DaysFromNow(4), visibility: Showgeo.Web.Features.Events.EventVisibility.Unlisted);
        await app.TourAsync(entity.Id, Unique("tour"), "Spring Tour");
        await using (var db = app.CreateDb())
            await db.Database.ExecuteSqlAsync($"UPDATE entities SET is_verified = true, banner_asset_id = {Guid.NewGuid()} WHERE id = {entity.Id}");
        using var anon = app.CreateClient();
        var page = await anon.GetAsync($"/e/{entity.Slug}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Profile Band plays live.", page.Text);
        Assert.Contains("Verified", page.Document.QuerySelector("h1")!.TextContent);
        Assert.NotNull(page.Document.QuerySelector("img.entity-banner[src^='/assets/']"));
        Assert.Contains("Next Gig", page.Document.QuerySelector("#upcoming-events")!.TextContent);
        Assert.Contains("Old Gig", page.Document.QuerySelector("#past-events")!.TextContent);
        Assert.DoesNotContain("Unlisted Gig", page.Text);
        Assert.Contains("Spring Tour", page.Document.QuerySelector("#tours")!.TextContent);
        Assert.Contains("jazz", page.Document.QuerySelector(".tags")!.TextContent);
        // One follow button for the entity: the cards on its own page do not repeat it.
        Assert.Single(page.Document.QuerySelectorAll($"#follow-{entity.Id}"));
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Performance;

/// <summary>
/// The app behind a CDN that reports the country, with a page cache that never expires by itself during a test: a page
/// is fresh only because an eviction reached it.
/// </summary>
public class CachedPagesApp : ShowgeoApp
{
    public CachedPagesApp() { }
    protected CachedPagesApp(string sharedDatabase) : base(sharedDatabase) { }

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Geo:CountryHeader"] = "CF-IPCountry";
        settings["PageCache:MaxDurationSeconds"] = "3600";
        return Task.CompletedTask;
    }
}

/// <summary>
/// Anonymous public pages come from the output cache; nothing one viewer sees reaches another, and a change reaches
/// anonymous viewers on every instance as soon as it commits.
/// </summary>
public sealed class OutputCacheTests(CachedPagesApp app) : IClassFixture<CachedPagesApp>
{
    /// <summary>The output cache sets Age on a response it served from its store.</summary>
    private static bool FromCache(Page page) => page.Response.Headers.Age is not null;

    private static async Task<Page> AnonymousAsync(ShowgeoApp on, string url, string? country = null, bool htmx = false)
    {
        using var client = on.CreateClient();
        if (country is not null) client.Http.DefaultRequestHeaders.Add("CF-IPCountry", country);
        return await client.GetAsync(url, htmx);
    }

    private async Task<(Entity Entity, Tour Tour, Event Event)> ArrangeAsync(AppUser? manager = null, string[]? allowedCountries = null)
    {
        var entity = await app.EntityAsync(members: manager is null ? null : [(manager.Id, EntityRole.Owner)]);
        var tour = await app.TourAsync(entity.Id);
        var e = await app.EventAsync(entity.Id, tourId: tour.Id, isFree: true, allowedCountries: allowedCountries, city: "Leeds");
        return (entity, tour, e);
    }

    private static string[] PublicPages(Entity entity, Tour tour, Event e) =>
        [$"/events/{e.Slug}", $"/e/{entity.Slug}", $"/tours/{tour.Slug}", "/", "/events?q=" + Uri.EscapeDataString(e.Title)];

    [Fact]
    public async Task OutputCache_serves_anonymous_pages_from_the_cache_without_a_token_or_a_cookie()
    {
        var (entity, tour, e) = await ArrangeAsync();
        foreach (var url in PublicPages(entity, tour, e))
        {
            await AnonymousAsync(app, url);
            var again = await AnonymousAsync(app, url);
            Assert.True(FromCache(again), $"{url} is served from the cache the second time: ");
            Assert.Null(again.Document.QuerySelector("#antiforgery"));
            Assert.Null(again.Document.QuerySelector("input[name=__RequestVerificationToken]"));
            Assert.DoesNotContain("__RequestVerificationToken", again.Html);
            Assert.False(again.Response.Headers.Contains("Set-Cookie"), $"{url} sets no cookie");
            Assert.NotNull(again.Document.QuerySelector("a[href^='/account/login']"));
        }
    }

    [Fact]
    public async Task OutputCache_never_hands_a_signed_in_page_to_anonymous_viewers_or_the_other_way_round()
    {
        var (fan, user) = await app.SignedInUserAsync(displayName: "Cora Cached");
        var (entity, tour, e) = await ArrangeAsync();
        await using (var db = app.CreateDb())
        {
            db.Add(new Showgeo.Web.Features.Follow.Follow { UserId = user.Id, EntityId = entity.Id, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        foreach (var url in PublicPages(entity, tour, e))
        {
            // Anonymous first, so a cached anonymous copy exists when the fan asks.
            await AnonymousAsync(app, url);
            var anonymous = await AnonymousAsync(app, url);
            Assert.True(FromCache(anonymous), url);

            var signedIn = await fan.GetAsync(url);
            Assert.False(FromCache(signedIn), $"{url}: a signed-in view is rendered, never taken from the cache");
            Assert.Equal("Cora Cached", signedIn.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
            Assert.NotNull(signedIn.Document.QuerySelector("#antiforgery"));
            var showsFollow = !url.StartsWith("/events/");
            if (showsFollow)
                Assert.True(signedIn.Document.QuerySelectorAll("form.follow-button button").Any(b => b.TextContent.Trim() == "Unfollow"),
                    $"{url} shows the fan's follow");

            // …and the signed-in render was not stored for anyone else.
            var after = await AnonymousAsync(app, url);
            Assert.Null(after.Document.QuerySelector("[data-testid=user-name]"));
            Assert.DoesNotContain("Cora Cached", after.Html);
            Assert.Empty(after.Document.QuerySelectorAll("form.follow-button"));
            if (showsFollow) Assert.NotEmpty(after.Document.QuerySelectorAll("div.follow-button a[href^='/account/login']"));
        }
    }

    [Fact]
    public async Task OutputCache_keeps_one_answer_per_country_for_a_geo_ruled_event()
    {
        var (_, _, e) = await ArrangeAsync(allowedCountries: ["GB"]);
        var url = $"/events/{e.Slug}";
        foreach (var round in new[] { "first", "cached" })
        {
            var france = await AnonymousAsync(app, url, "FR");
            var britain = await AnonymousAsync(app, url, "gb");
            var unknown = await AnonymousAsync(app, url);
            if (round == "cached") Assert.True(FromCache(france) && FromCache(britain) && FromCache(unknown), "each country has its own copy");
            Assert.Equal(ViewerCountry.NotAvailableMessage, france.Document.QuerySelector("[data-testid=rsvp-region]")?.TextContent);
            Assert.Equal(ViewerCountry.NotAvailableMessage, unknown.Document.QuerySelector("[data-testid=rsvp-region]")?.TextContent);
            Assert.Null(britain.Document.QuerySelector("[data-testid=rsvp-region]"));
            Assert.Equal("Sign in to RSVP", britain.Document.QuerySelector("#rsvp a[href^='/account/login']")?.TextContent);
        }
    }

    [Fact]
    public async Task OutputCache_keeps_the_htmx_fragment_apart_from_the_whole_page()
    {
        var (entity, _, e) = await ArrangeAsync();
        var url = "/events?city=leeds&entity=" + entity.Slug;
        foreach (var round in new[] { "first", "cached" })
        {
            var fragment = await AnonymousAsync(app, url, htmx: true);
            var whole = await AnonymousAsync(app, url);
            if (round == "cached") Assert.True(FromCache(fragment) && FromCache(whole));
            Assert.DoesNotContain("<html", fragment.Html);
            Assert.NotNull(fragment.Document.QuerySelector($"a[href='/events/{e.Slug}']"));
            Assert.Contains("<html", whole.Html);
            Assert.NotNull(whole.Document.QuerySelector($"a[href='/events/{e.Slug}']"));
        }
    }

    [Fact]
    public async Task OutputCache_does_not_share_a_page_asked_for_with_a_cookie_or_a_query_key_the_page_does_not_read()
    {
        var (_, _, e) = await ArrangeAsync();
        var url = $"/events/{e.Slug}";
        await AnonymousAsync(app, url);
        Assert.True(FromCache(await AnonymousAsync(app, url)));

        // Another key would reach the page's links (the sign-in return URL): rendered for that visitor only.
        var tagged = await AnonymousAsync(app, url + "?ref=secret-link");
        Assert.False(FromCache(tagged));
        Assert.Contains("secret-link", tagged.Html);
        Assert.DoesNotContain("secret-link", (await AnonymousAsync(app, url)).Html);

        // A cookie may carry a flash message or a cart.
        using var withCookie = app.CreateClient();
        withCookie.Cookies.Add(app.BaseAddress, new System.Net.Cookie("showgeo.cart", "anything"));
        Assert.False(FromCache(await withCookie.GetAsync(url)));
    }
}

/// <summary>Two instances on one database: a change made on one is what anonymous viewers of the other see next.</summary>
public sealed class OutputCacheAcrossInstancesTests(CachedPagesApp app) : IClassFixture<CachedPagesApp>, IAsyncLifetime
{
    private readonly SecondInstance _second = new(app.ConnectionString);

    public Task InitializeAsync() => _second.InitializeAsync();

    public Task DisposeAsync() => _second.DisposeAsync();

    private static async Task<Page> AnonymousAsync(ShowgeoApp on, string url)
    {
        using var client = on.CreateClient();
        return await client.GetAsync(url);
    }

    /// <summary>Warms both instances' caches and checks the second really answers from its cache.</summary>
    private async Task WarmAsync(params string[] urls)
    {
        foreach (var url in urls)
            foreach (var instance in new ShowgeoApp[] { app, _second })
            {
                await AnonymousAsync(instance, url);
                Assert.NotNull((await AnonymousAsync(instance, url)).Response.Headers.Age);
            }
    }

    private async Task EventuallyShownOnSecondAsync(string url, string text) =>
        await Eventually.TrueAsync(async () => (await AnonymousAsync(_second, url)).Html.Contains(text),
            $"{url} on the second instance to show '{text}'", TimeSpan.FromSeconds(30));

    [Fact]
    public async Task OutputCache_an_event_edited_on_one_instance_is_fresh_on_the_other()
    {
        var (client, manager) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Owner)]);
        var e = await app.EventAsync(entity.Id, title: "Before Edit Night", city: "Leeds", venue: "The Hall", timeZone: "Europe/London");
        string[] urls = [$"/events/{e.Slug}", $"/e/{entity.Slug}", "/", "/events?city=leeds&entity=" + entity.Slug];
        await WarmAsync(urls);

        var form = await client.GetAsync($"/manage/{entity.Slug}/events/{e.Id}/edit");
        var saved = await client.SubmitAsync(form.Document, "#event-form", new Dictionary<string, string> { ["Input.Title"] = "After Edit Night" });
        Assert.Equal($"/manage/{entity.Slug}/events/{e.Id}/edit", saved.Path);
        await using (var db = app.CreateDb())
            Assert.Equal("After Edit Night", await db.Set<Event>().Where(x => x.Id == e.Id).Select(x => x.Title).SingleAsync());

        foreach (var url in urls) await EventuallyShownOnSecondAsync(url, "After Edit Night");
        foreach (var url in urls) Assert.DoesNotContain("Before Edit Night", (await AnonymousAsync(app, url)).Html);
    }

    [Fact]
    public async Task OutputCache_an_entity_profile_edited_on_one_instance_is_fresh_on_the_other()
    {
        var (client, owner) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(name: "Old Name Collective", members: [(owner.Id, EntityRole.Owner)]);
        var tour = await app.TourAsync(entity.Id);
        var e = await app.EventAsync(entity.Id, tourId: tour.Id, city: "Leeds");
        string[] urls = [$"/e/{entity.Slug}", $"/events/{e.Slug}", $"/tours/{tour.Slug}", "/events?city=leeds&entity=" + entity.Slug];
        await WarmAsync(urls);

        var edit = await client.GetAsync($"/manage/{entity.Slug}/edit");
        var saved = await client.SubmitAsync(edit.Document, "#edit-profile-form", new Dictionary<string, string> { ["Input.Name"] = "New Name Collective" });
        Assert.Equal(System.Net.HttpStatusCode.OK, saved.Status);

        foreach (var url in urls) await EventuallyShownOnSecondAsync(url, "New Name Collective");
    }

    [Fact]
    public async Task OutputCache_a_tour_edited_on_one_instance_is_fresh_on_the_other()
    {
        var (client, owner) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var tour = await app.TourAsync(entity.Id, name: "Old Road Tour");
        var e = await app.EventAsync(entity.Id, tourId: tour.Id);
        string[] urls = [$"/tours/{tour.Slug}", $"/events/{e.Slug}", $"/e/{entity.Slug}"];
        await WarmAsync(urls);

        var edit = await client.GetAsync($"/manage/{entity.Slug}/tours/{tour.Slug}");
        var name = edit.Document.QuerySelector("#edit-tour-form input[name$='Name']")!.GetAttribute("name")!;
        var saved = await client.SubmitAsync(edit.Document, "#edit-tour-form", new Dictionary<string, string> { [name] = "New Road Tour" });
        Assert.Equal(System.Net.HttpStatusCode.OK, saved.Status);

        foreach (var url in urls) await EventuallyShownOnSecondAsync(url, "New Road Tour");
    }

    private sealed class SecondInstance(string database) : CachedPagesApp(database);
}

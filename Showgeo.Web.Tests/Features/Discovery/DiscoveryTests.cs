using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Discovery;

public sealed class DiscoveryTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    // Each test works in its own made-up city/genre so tests sharing the class database never see each other's rows.
    private static string Tag() => "t" + Guid.NewGuid().ToString("N")[..8];

    private async Task<List<string>> TitlesAsync(string query)
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/events?" + query);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Document.QuerySelectorAll("#event-results .event-card h3").Select(h => h.TextContent.Trim()).ToList();
    }

    [Fact]
    public async Task City_genre_entity_dates_and_text_filters_combine()
    {
        var t = Tag();
        var cardiff = "Cardiff" + t;
        var alpha = await app.EntityAsync("alpha-" + t, "Alpha " + t);
        var beta = await app.EntityAsync("beta-" + t, "Beta" + t);
        var banned = await app.EntityAsync("banned-" + t, "Banned " + t, suspended: true);
        await app.EventAsync(alpha.Id, "e1-" + t, "Moonlight Sessions", DaysFromNow(3), cardiff, genres: ["jazz"]);
        await app.EventAsync(alpha.Id, "e2-" + t, "Thunder Night", DaysFromNow(10), cardiff, genres: ["rock"]);
        await app.EventAsync(beta.Id, "e3-" + t, "Quiet Hours", DaysFromNow(20), cardiff, genres: ["jazz"], venue: "Tidal" + t + " Hall");
        await app.EventAsync(beta.Id, "e4-" + t, "Moonlight Tour", DaysFromNow(3), "Bristol" + t, genres: ["jazz"]);
        await app.EventAsync(alpha.Id, "e5-" + t, "Unlisted Jam", DaysFromNow(3), cardiff, genres: ["jazz"], visibility: EventVisibility.Unlisted);
        await app.EventAsync(alpha.Id, "e6-" + t, "Draft Jam", DaysFromNow(3), cardiff, genres: ["jazz"], phase: EventPhase.Draft);
        await app.EventAsync(alpha.Id, "e7-" + t, "Ended Jam", DaysFromNow(-5), cardiff, genres: ["jazz"]);
        await app.EventAsync(banned.Id, "e8-" + t, "Banned Jam", DaysFromNow(3), cardiff, genres: ["jazz"]);
        await app.EventAsync(alpha.Id, "e9-" + t, "Cancelled Jam", DaysFromNow(3), cardiff, genres: ["jazz"], phase: EventPhase.Cancelled);
        await app.EventAsync(alpha.Id, "e10-" + t, "Live Now", DateTimeOffset.UtcNow.AddHours(-1), cardiff, genres: ["jazz"], phase: EventPhase.Live);

        var c = "city=" + cardiff.ToLowerInvariant();
        Assert.Equal(["Live Now", "Moonlight Sessions", "Thunder Night", "Quiet Hours"], await TitlesAsync(c));
        Assert.Equal(["Live Now", "Moonlight Sessions", "Quiet Hours"], await TitlesAsync(c + "&genre=Jazz"));
        Assert.Equal(["Live Now", "Moonlight Sessions"], await TitlesAsync(c + "&genre=jazz&entity=alpha-" + t));
        var from = DateTime.UtcNow.Date.AddDays(5).ToString("yyyy-MM-dd");
        var to = DateTime.UtcNow.Date.AddDays(20).ToString("yyyy-MM-dd");
        Assert.Equal(["Quiet Hours"], await TitlesAsync($"{c}&genre=jazz&from={from}&to={to}"));
        Assert.Equal(["Thunder Night"], await TitlesAsync($"{c}&from={from}&to={DateTime.UtcNow.Date.AddDays(10):yyyy-MM-dd}"));
        // Text search: titles (word prefixes), entity names and venues.
        Assert.Equal(["Moonlight Sessions"], await TitlesAsync(c + "&q=moonlig"));
        // Same start time: their order is by id, so compare as a set.
        Assert.Equal(["Moonlight Sessions", "Moonlight Tour"], (await TitlesAsync($"q=moonlight&genre=jazz&from={DateTime.UtcNow.Date.AddDays(3):yyyy-MM-dd}&to={DateTime.UtcNow.Date.AddDays(3):yyyy-MM-dd}")).Order());
        Assert.Equal(["Moonlight Tour", "Quiet Hours"], await TitlesAsync("q=beta" + t));
        Assert.Equal(["Quiet Hours"], await TitlesAsync("q=tidal" + t));
        // Words may hit different places: "quiet" is in the title, the other word is the entity's name.
        Assert.Equal(["Quiet Hours"], await TitlesAsync($"q=quiet+beta{t}"));
        Assert.Empty(await TitlesAsync("q=banned+" + t));
    }

    [Fact]
    public async Task Renaming_an_entity_makes_its_events_findable_by_the_new_name()
    {
        var t = Tag();
        var entity = await app.EntityAsync("rename-" + t, "Oldname" + t);
        await app.EventAsync(entity.Id, "ren-" + t, "Rename Show", DaysFromNow(2));
        Assert.Equal(["Rename Show"], await TitlesAsync("q=oldname" + t));

        await using (var db = app.CreateDb())
            await db.Set<Showgeo.Web.Features.Entities.Entity>().Where(e => e.Id == entity.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Name, "Newname" + t));
        Assert.Equal(["Rename Show"], await TitlesAsync("q=newname" + t));
        Assert.Empty(await TitlesAsync("q=oldname" + t));
    }

    [Fact]
    public async Task Radius_search_keeps_events_inside_the_circle_only()
    {
        var t = Tag();
        var entity = await app.EntityAsync("geo-" + t, "Geo " + t);
        var genre = "g" + t;
        await app.EventAsync(entity.Id, "cdf-" + t, "Cardiff Show", DaysFromNow(2), "Cardiff", 51.4816, -3.1791, [genre]);
        await app.EventAsync(entity.Id, "bri-" + t, "Bristol Show", DaysFromNow(3), "Bristol", 51.4545, -2.5879, [genre]);
        await app.EventAsync(entity.Id, "lon-" + t, "London Show", DaysFromNow(4), "London", 51.5072, -0.1276, [genre]);
        await app.EventAsync(entity.Id, "onl-" + t, "Online Show", DaysFromNow(5), genres: [genre]);

        var at = $"genre={genre}&lat=51.48&lng=-3.18";
        Assert.Equal(["Cardiff Show"], await TitlesAsync(at + "&radius=10"));
        Assert.Equal(["Cardiff Show", "Bristol Show"], await TitlesAsync(at + "&radius=50"));
        Assert.Equal(["Cardiff Show", "Bristol Show", "London Show"], await TitlesAsync(at + "&radius=500"));
        Assert.Equal(["Cardiff Show", "Bristol Show", "London Show", "Online Show"], await TitlesAsync($"genre={genre}"));
    }

    [Fact]
    public async Task Near_me_without_a_browser_position_uses_the_profile_city()
    {
        var t = Tag();
        var city = "Cardiff" + t;
        var entity = await app.EntityAsync("near-" + t, "Near " + t);
        var genre = "g" + t;
        await app.EventAsync(entity.Id, "cdf-" + t, "Home Show", DaysFromNow(2), city, 51.4816, -3.1791, [genre]);
        await app.EventAsync(entity.Id, "bri-" + t, "Bristol Show", DaysFromNow(3), "Bristol", 51.4545, -2.5879, [genre]);
        await app.EventAsync(entity.Id, "lon-" + t, "London Show", DaysFromNow(4), "London", 51.5072, -0.1276, [genre]);

        using var anon = app.CreateClient();
        var anonymous = await anon.GetAsync($"/events?near=me&genre={genre}");
        Assert.Contains("Allow location", anonymous.Document.QuerySelector("[data-testid=near-note]")!.TextContent);

        var user = await app.UserAsync(t + "@example.com", "Near Fan");
        using var fan = await app.SignedInAsync(user);
        await using (var db = app.CreateDb())
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.City, city));
        var page = await fan.GetAsync($"/events?near=me&genre={genre}");
        Assert.Contains($"of {city} (your profile city)", page.Document.QuerySelector("[data-testid=near-note]")!.TextContent);
        Assert.Equal(["Home Show", "Bristol Show"], page.Document.QuerySelectorAll("#event-results h3").Select(h => h.TextContent.Trim()));
    }

    [Fact]
    public async Task Paging_is_stable_even_when_many_events_start_at_the_same_time()
    {
        var t = Tag();
        var city = "Pageton" + t;
        var entity = await app.EntityAsync("pager-" + t, "Pager " + t);
        var same = DaysFromNow(7);
        for (var i = 0; i < 45; i++)
            await app.EventAsync(entity.Id, $"p{i}-{t}", $"Show {i:00}", i < 30 ? same : DaysFromNow(8 + i), city);

        using var client = app.CreateClient();
        var seen = new List<string>();
        var url = $"/events?city={city}";
        var pages = 0;
        while (true)
        {
            var page = await client.GetAsync(url);
            var ids = page.Document.QuerySelectorAll("#event-results .event-card").Select(c => c.GetAttribute("data-event-id")!).ToList();
            var again = (await client.GetAsync(url)).Document.QuerySelectorAll("#event-results .event-card").Select(c => c.GetAttribute("data-event-id")!);
            Assert.Equal(ids, again);
            seen.AddRange(ids);
            pages++;
            var next = page.Document.QuerySelector("#results a[rel=next]");
            if (next is null) break;
            url = next.GetAttribute("href")!;
        }
        Assert.Equal(3, pages);
        Assert.Equal(45, seen.Count);
        Assert.Equal(45, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("radius=-5&lat=51&lng=0", "Radius (km) must be between 1 and 500")]
    [InlineData("page=1000000000", "Page must be a whole number from 1 to 1000")]
    [InlineData("page=abc", "Page must be a whole number")]
    [InlineData("lat=95&lng=0", "Latitude must be between -90 and 90")]
    [InlineData("lat=51", "needs both latitude and longitude")]
    [InlineData("from=2026-13-45", "From must be a date")]
    [InlineData("from=2030-05-10&to=2030-05-01", "before the 'from' date")]
    [InlineData("radius=NaN", "Radius (km) must be a number")]
    public async Task Absurd_filters_get_a_clear_message_and_status_400(string query, string message)
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/events?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(message, page.Document.QuerySelector("[data-testid=filter-errors]")!.TextContent);
        Assert.Empty(page.Document.QuerySelectorAll("#event-results .event-card"));
        // The form is still there to fix the filters.
        Assert.NotNull(page.Document.QuerySelector("#discovery-filters"));
    }

    [Fact]
    public async Task Overlong_search_text_and_huge_query_strings_are_refused_without_a_server_error()
    {
        using var client = app.CreateClient();
        var longText = await client.GetAsync("/events?q=" + new string('a', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, longText.Status);
        Assert.Contains("too long", longText.Text);

        var huge = await client.Http.GetAsync("/events?q=" + new string('b', 10_240));
        Assert.InRange((int)huge.StatusCode, 400, 499);
    }

    [Fact]
    public async Task Htmx_filter_change_returns_only_the_results_fragment_and_shows_errors_in_it()
    {
        var t = Tag();
        var entity = await app.EntityAsync("hx-" + t, "Hx " + t);
        await app.EventAsync(entity.Id, "hx1-" + t, "Fragment Show", DaysFromNow(2), "Hxcity" + t);
        using var client = app.CreateClient();

        var fragment = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/events?city=Hxcity" + t) { Headers = { { "HX-Request", "true" } } });
        var html = await fragment.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        Assert.StartsWith("<section id=\"results\"", html.TrimStart());
        Assert.Contains("Fragment Show", html);
        Assert.Contains("HX-Request", fragment.Headers.Vary);

        var bad = await client.GetAsync("/events?radius=-1&lat=1&lng=1", htmx: true);
        Assert.Equal(HttpStatusCode.OK, bad.Status);
        Assert.Contains("Radius (km) must be between", bad.Html);
        Assert.DoesNotContain("<html", bad.Html);

        var boosted = await client.GetAsync("/events?city=Hxcity" + t, boosted: true);
        Assert.Contains("<html", boosted.Html);
    }

    [Fact]
    public async Task No_results_say_so_and_offer_links_that_widen_the_filters()
    {
        var t = Tag();
        using var client = app.CreateClient();
        var page = await client.GetAsync($"/events?city=Nowhere{t}&genre=polka");
        var empty = page.Document.QuerySelector("[data-testid=no-results]")!;
        Assert.Contains("No events match these filters", empty.TextContent);
        var links = empty.QuerySelectorAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();
        Assert.Contains(($"Remove city Nowhere{t}", "/events?genre=polka"), links);
        Assert.Contains(("Remove genre polka", $"/events?city=Nowhere{t}"), links);
        Assert.Contains(("Clear all filters", "/events"), links);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Events;

public sealed class RsvpTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Fan_goes_switches_to_interested_and_withdraws_with_htmx_fragments()
    {
        var (fan, fanUser) = await app.SignedInUserAsync(displayName: "Rita Rsvp");
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true);

        var page = await fan.GetAsync($"/events/{e.Slug}");
        Assert.Equal("0", page.Document.QuerySelector("[data-testid=going-count]")?.TextContent);

        var going = await Fragment(await fan.SubmitRawAsync(page.Document, "#rsvp form.rsvp-going", htmx: true));
        Assert.Equal("1", going.QuerySelector("#rsvp [data-testid=going-count]")?.TextContent);
        Assert.Equal("You're going.", going.QuerySelector("[data-testid=my-rsvp]")?.TextContent.Trim());

        var interested = await Fragment(await fan.SubmitRawAsync(going, "#rsvp form.rsvp-interested", htmx: true));
        Assert.Equal("0", interested.QuerySelector("[data-testid=going-count]")?.TextContent);
        Assert.Equal("1", interested.QuerySelector("[data-testid=interested-count]")?.TextContent);

        var removed = await Fragment(await fan.SubmitRawAsync(interested, "#rsvp form.rsvp-remove", htmx: true));
        Assert.Equal("0", removed.QuerySelector("[data-testid=interested-count]")?.TextContent);
        Assert.Null(removed.QuerySelector("[data-testid=my-rsvp]"));
        Assert.Null(removed.QuerySelector("form.rsvp-remove"));

        await using var db = app.CreateDb();
        Assert.False(await db.Set<Rsvp>().AnyAsync(r => r.EventId == e.Id && r.UserId == fanUser.Id));
    }

    [Fact]
    public async Task Fan_rsvps_without_javascript_and_lands_back_on_the_event_page()
    {
        var (fan, fanUser) = await app.SignedInUserAsync(displayName: "Nico NoJs");
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true);

        var page = await fan.GetAsync($"/events/{e.Slug}");
        using var raw = await fan.SubmitRawAsync(page.Document, "#rsvp form.rsvp-going");
        Assert.True(raw.IsRedirect());
        var after = await fan.FollowAsync(raw);
        Assert.Equal($"/events/{e.Slug}", after.Path);
        Assert.Equal("1", after.Document.QuerySelector("[data-testid=going-count]")?.TextContent);
        Assert.Equal("You're going.", after.Document.QuerySelector("[data-testid=my-rsvp]")?.TextContent.Trim());

        var withdrawn = await fan.SubmitAsync(after.Document, "#rsvp form.rsvp-remove");
        Assert.Equal("0", withdrawn.Document.QuerySelector("[data-testid=going-count]")?.TextContent);
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Rsvp>().CountAsync(r => r.UserId == fanUser.Id));
    }

    [Fact]
    public async Task Anonymous_visitor_is_asked_to_sign_in_and_nothing_is_written()
    {
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true);
        using var anonymous = app.CreateClient();

        var page = await anonymous.GetAsync($"/events/{e.Slug}");
        Assert.Contains("Sign in to RSVP", page.Document.QuerySelector("#rsvp")?.TextContent);
        // The page offers an anonymous visitor no form and so carries no token; a forged post takes one from the sign-in form.
        Assert.Null(page.Document.QuerySelector("#antiforgery"));
        using var post = await anonymous.PostAsync($"/events/{e.Slug}?handler=Rsvp", (await anonymous.GetAsync("/account/login")).Document,
            new Dictionary<string, string> { ["status"] = "Going" });
        Assert.Equal("/account/login", post.Headers.Location?.AbsolutePath);

        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Rsvp>().CountAsync(r => r.EventId == e.Id));
    }

    [Fact]
    public async Task Thirty_fans_rsvping_at_once_are_all_counted_and_double_clicks_count_once()
    {
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true);
        var fans = new List<WebClient>();
        foreach (var batch in Enumerable.Range(0, 30).Chunk(6))
            fans.AddRange((await Task.WhenAll(batch.Select(i => app.SignedInUserAsync(displayName: $"Crowd {i}")))).Select(f => f.Client));
        var pages = await Task.WhenAll(fans.Select(f => f.GetAsync($"/events/{e.Slug}")));

        // Everyone presses Going twice at the same moment; twenty of them then change to Interested.
        var presses = fans.SelectMany((f, i) => new[]
        {
            f.SubmitRawAsync(pages[i].Document, "#rsvp form.rsvp-going", htmx: true),
            f.SubmitRawAsync(pages[i].Document, "#rsvp form.rsvp-going", htmx: true),
        });
        foreach (var r in await Task.WhenAll(presses)) { Assert.Equal(HttpStatusCode.OK, r.StatusCode); r.Dispose(); }
        var switches = fans.Take(20).Select((f, i) => f.SubmitRawAsync(pages[i].Document, "#rsvp form.rsvp-interested", htmx: true));
        foreach (var r in await Task.WhenAll(switches)) { Assert.Equal(HttpStatusCode.OK, r.StatusCode); r.Dispose(); }

        using var viewer = app.CreateClient();
        var page = await viewer.GetAsync($"/events/{e.Slug}");
        Assert.Equal("10", page.Document.QuerySelector("[data-testid=going-count]")?.TextContent);
        Assert.Equal("20", page.Document.QuerySelector("[data-testid=interested-count]")?.TextContent);
        await using var db = app.CreateDb();
        Assert.Equal(30, await db.Set<Rsvp>().CountAsync(r => r.EventId == e.Id));
        fans.ForEach(f => f.Dispose());
    }

    [Theory]
    [InlineData(EventPhase.Post)]
    [InlineData(EventPhase.Cancelled)]
    public async Task Ended_or_cancelled_events_offer_no_rsvp_and_refuse_one(EventPhase phase)
    {
        var (fan, _) = await app.SignedInUserAsync(displayName: "Late Larry");
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, phase: phase, isFree: true);

        var page = await fan.GetAsync($"/events/{e.Slug}");
        Assert.Null(page.Document.QuerySelector("#rsvp"));
        Assert.Contains("RSVPs are closed", page.Text);
        using var post = await fan.PostAsync($"/events/{e.Slug}?handler=Rsvp", page.Document,
            new Dictionary<string, string> { ["status"] = "Going" }, htmx: true);
        Assert.Contains("RSVPs are closed for this event.", await post.Content.ReadAsStringAsync());

        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Rsvp>().CountAsync(r => r.EventId == e.Id));
    }

    [Fact]
    public async Task Without_a_configured_country_header_a_sent_header_is_not_trusted_and_geo_ruled_events_refuse()
    {
        var (fan, _) = await app.SignedInUserAsync(displayName: "Gus Header");
        fan.Http.DefaultRequestHeaders.Add("CF-IPCountry", "GB");
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true, allowedCountries: ["GB"]);

        var page = await fan.GetAsync($"/events/{e.Slug}");
        Assert.Contains("This event is not available in your region.", page.Document.QuerySelector("#rsvp")?.TextContent);
        Assert.Null(page.Document.QuerySelector("#rsvp form.rsvp-going"));
        using var post = await fan.PostAsync($"/events/{e.Slug}?handler=Rsvp", page.Document,
            new Dictionary<string, string> { ["status"] = "Going" }, htmx: true);
        Assert.Contains("This event is not available in your region.", await post.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Rsvp>().CountAsync(r => r.EventId == e.Id));
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> Fragment(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<html", html);
            Assert.StartsWith("<section id=\"rsvp\"", html.Trim());
            return WebClient.Parse(html);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Events;

/// <summary>The app behind a CDN that reports the viewer's country in CF-IPCountry.</summary>
public sealed class CdnCountryApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Geo:CountryHeader"] = "CF-IPCountry";
        return Task.CompletedTask;
    }
}

public sealed class GeoRuleTests(CdnCountryApp app) : IClassFixture<CdnCountryApp>
{
    [Theory]
    [InlineData("FR", false)]
    [InlineData("XX", false)] // the CDN's "unknown"
    [InlineData(null, false)]
    [InlineData("GB", true)]
    [InlineData("ie", true)]
    public async Task Rsvp_to_a_geo_ruled_event_depends_on_the_trusted_country_header(string? country, bool allowed)
    {
        var (fan, fanUser) = await app.SignedInUserAsync(displayName: "Gina Geo");
        if (country is not null) fan.Http.DefaultRequestHeaders.Add("CF-IPCountry", country);
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true, allowedCountries: ["GB", "IE"]);

        var page = await fan.GetAsync($"/events/{e.Slug}");
        using var post = await fan.PostAsync($"/events/{e.Slug}?handler=Rsvp", page.Document,
            new Dictionary<string, string> { ["status"] = "Going" }, htmx: true);
        var fragment = WebClient.Parse(await post.Content.ReadAsStringAsync());

        await using var db = app.CreateDb();
        var rows = await db.Set<Rsvp>().CountAsync(r => r.EventId == e.Id && r.UserId == fanUser.Id);
        if (allowed)
        {
            Assert.Equal(1, rows);
            Assert.Equal("1", fragment.QuerySelector("[data-testid=going-count]")?.TextContent);
        }
        else
        {
            Assert.Equal(0, rows);
            Assert.Null(page.Document.QuerySelector("#rsvp form.rsvp-going"));
            Assert.Equal(ViewerCountry.NotAvailableMessage, fragment.QuerySelector("[data-testid=rsvp-message]")?.TextContent);
        }
    }

    [Fact]
    public async Task An_event_without_a_geo_rule_accepts_rsvps_from_an_unknown_country()
    {
        var (fan, fanUser) = await app.SignedInUserAsync(displayName: "Una Known");
        var entity = await app.EntityAsync();
        var e = await app.EventAsync(entity.Id, isFree: true);

        var page = await fan.GetAsync($"/events/{e.Slug}");
        await fan.SubmitAsync(page.Document, "#rsvp form.rsvp-interested");

        await using var db = app.CreateDb();
        Assert.Equal(RsvpStatus.Interested, await db.Set<Rsvp>().Where(r => r.EventId == e.Id && r.UserId == fanUser.Id).Select(r => r.Status).SingleAsync());
    }
}

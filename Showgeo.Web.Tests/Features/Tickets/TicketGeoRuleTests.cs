using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class TicketGeoRuleTests(CdnCountryApp app) : IClassFixture<CdnCountryApp>
{
    [Fact]
    public async Task Buying_for_a_geo_ruled_event_is_refused_outside_the_allowed_countries_and_holds_nothing()
    {
        var a = await app.EventWithTicketsAsync(capacity: 10);
        await using (var db = app.CreateDb())
            await db.Set<Event>().Where(e => e.Id == a.Event.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.AllowedCountries, new[] { "GB", "IE" }));

        var outside = await app.UserAsync($"fr-{Guid.NewGuid():N}@example.com");
        using var fromFrance = await app.SignedInAsync(outside);
        fromFrance.Http.DefaultRequestHeaders.Add("CF-IPCountry", "FR");
        // The checkout page says so instead of offering the form; a direct POST is refused the same way.
        var page = await fromFrance.GetAsync($"/checkout/{a.Event.Id}");
        Assert.Contains("not available in your region", page.Document.QuerySelector("[data-testid=ticket-refusal]")?.TextContent);
        Assert.Null(page.Document.QuerySelector("#ticket-form"));
        var refused = await fromFrance.PostAsync($"/checkout/{a.Event.Id}", page.Document, Qty(a.Type.Id, 2));
        Assert.False(refused.IsRedirect());
        Assert.Contains("not available in your region", await refused.Content.ReadAsStringAsync());

        var inside = await app.UserAsync($"gb-{Guid.NewGuid():N}@example.com");
        using var fromBritain = await app.SignedInAsync(inside);
        fromBritain.Http.DefaultRequestHeaders.Add("CF-IPCountry", "GB");
        Assert.True((await fromBritain.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2))).IsRedirect());

        await using var check = app.CreateDb();
        Assert.Equal(0, await check.Set<Order>().CountAsync(o => o.UserId == outside.Id));
        Assert.Equal(1, await check.Set<Order>().CountAsync(o => o.UserId == inside.Id));
        Assert.Equal(2, (await check.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Held);
    }
}

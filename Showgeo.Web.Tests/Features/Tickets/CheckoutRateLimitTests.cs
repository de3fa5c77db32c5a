using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;
using static Showgeo.Web.Tests.Infrastructure.ClientAddresses;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class CheckoutRateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Checkout_posts_beyond_the_per_user_limit_get_429_and_place_no_order_while_another_fan_buys()
    {
        var a = await app.EventWithTicketsAsync(capacity: 50);
        var (fan, fanUser) = await app.SignedInUserAsync();
        fan.From("203.0.113.40");
        for (var attempt = 0; attempt < RateLimitedApp.CheckoutPerUser; attempt++)
        {
            using var nothingChosen = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 0));
            Assert.Equal(HttpStatusCode.OK, nothingChosen.StatusCode);
        }

        using var refused = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1));
        await AssertTooManyAsync(refused);
        using var refusedHtmx = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1), htmx: true);
        await AssertTooManyAsync(refusedHtmx, fragment: true);
        // The checkout page itself still opens.
        Assert.Equal(HttpStatusCode.OK, (await fan.GetAsync($"/checkout/{a.Event.Id}")).Status);

        var (other, otherUser) = await app.SignedInUserAsync();
        other.From("203.0.113.40");
        using var bought = await other.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1));
        Assert.True(bought.IsRedirect());

        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Order>().CountAsync(o => o.UserId == fanUser.Id));
        Assert.Equal(1, await db.Set<Order>().CountAsync(o => o.UserId == otherUser.Id));
    }
}

using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Store;

/// <summary>Visibility and the drop time hold on the product page, on add-to-cart and on checkout, whoever posts.</summary>
public sealed class ProductVisibilityTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static Dictionary<string, string> One => new() { ["Quantity"] = "1" };

    [Fact]
    public async Task A_followers_only_product_is_refused_to_a_non_follower_on_every_path_and_sold_to_a_follower()
    {
        var s = await app.StoreAsync(visibility: ProductVisibility.Followers);
        var (stranger, strangerUser) = await app.SignedInUserAsync();
        var page = await stranger.GetAsync(StoreArrange.PageOf(s.Entity, s.Product));
        Assert.Equal(HttpStatusCode.Forbidden, page.Response.StatusCode);
        Assert.Contains("followers of", page.Document.QuerySelector("[data-testid=product-restricted]")!.TextContent);
        Assert.Null(page.Document.QuerySelector("#add-to-cart-form"));
        Assert.Null(page.Document.QuerySelector("[data-testid=product-price]"));

        using var add = await stranger.PostAddAsync(s.Entity, s.Product, One);
        Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Equal(0, await app.CartLinesAsync(strangerUser.Id));

        // A follower adds it; once they stop following, checkout by direct POST changes nothing.
        var (fan, fanUser) = await app.SignedInUserAsync();
        await app.FollowAsync(fanUser.Id, s.Entity.Id);
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());
        await using (var db = app.CreateDb())
            await db.Set<Showgeo.Web.Features.Follow.Follow>().Where(f => f.UserId == fanUser.Id).ExecuteDeleteAsync();
        var token = await fan.GetAsync("/cart");
        Assert.NotNull(token.Document.QuerySelector("[data-testid=line-problem]"));
        using var checkout = await fan.PostAsync($"/cart/checkout/{s.Entity.Id}", token.Document, StoreArrange.Address);
        Assert.False(checkout.IsRedirect());
        Assert.Contains("followers of", await checkout.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.StoreOrdersAsync(s.Entity.Id));
        Assert.Equal(0, (await app.VariantAsync(s.Product.Variants[0].Id)).Held);
    }

    [Fact]
    public async Task Before_the_drop_the_page_counts_down_and_neither_add_nor_checkout_sells()
    {
        var s = await app.StoreAsync(dropAt: DateTimeOffset.UtcNow.AddMinutes(30));
        var (fan, fanUser) = await app.SignedInUserAsync();
        var page = await fan.GetAsync(StoreArrange.PageOf(s.Entity, s.Product));
        Assert.Equal(HttpStatusCode.OK, page.Response.StatusCode);
        Assert.Contains("Drops", page.Document.QuerySelector("[data-testid=countdown]")!.TextContent);
        Assert.Null(page.Document.QuerySelector("#add-to-cart-form"));

        using var add = await fan.PostAddAsync(s.Entity, s.Product, One);
        Assert.Contains("cannot be bought before then", await add.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.CartLinesAsync(fanUser.Id));

        // A line in the cart from before the drop time moved later still cannot be checked out.
        await using (var db = app.CreateDb())
            await db.Set<Product>().Where(p => p.Id == s.Product.Id).ExecuteUpdateAsync(x => x.SetProperty(p => p.DropAt, (DateTimeOffset?)null));
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());
        await using (var db = app.CreateDb())
            await db.Set<Product>().Where(p => p.Id == s.Product.Id).ExecuteUpdateAsync(x => x.SetProperty(p => p.DropAt, DateTimeOffset.UtcNow.AddHours(1)));
        var token = await fan.GetAsync("/cart");
        using var checkout = await fan.PostAsync($"/cart/checkout/{s.Entity.Id}", token.Document, StoreArrange.Address);
        Assert.False(checkout.IsRedirect());
        Assert.Equal(0, await app.StoreOrdersAsync(s.Entity.Id));
    }

    [Fact]
    public async Task Drafts_and_suspended_stores_are_not_found_and_cannot_be_added()
    {
        var draft = await app.StoreAsync(visibility: ProductVisibility.Draft);
        var suspended = await app.StoreAsync(suspended: true);
        var (fan, fanUser) = await app.SignedInUserAsync();
        foreach (var s in new[] { draft, suspended })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync(StoreArrange.PageOf(s.Entity, s.Product))).Response.StatusCode);
            using var add = await fan.PostAddAsync(s.Entity, s.Product, One);
            Assert.Equal(HttpStatusCode.NotFound, add.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{suspended.Entity.Slug}/store")).Response.StatusCode);
        Assert.Equal(0, await app.CartLinesAsync(fanUser.Id));
        // The team sees its draft.
        var team = await app.SignedInAsync(draft.Manager);
        Assert.Equal(HttpStatusCode.OK, (await team.GetAsync(StoreArrange.PageOf(draft.Entity, draft.Product))).Response.StatusCode);
    }

    [Fact]
    public async Task A_ticket_holders_product_sells_only_to_holders_of_that_events_tickets()
    {
        var tickets = await app.EventWithTicketsAsync();
        var product = await app.ProductAsync(tickets.Entity.Id, visibility: ProductVisibility.TicketHolders, holdersEventId: tickets.Event.Id);
        var (outsider, outsiderUser) = await app.SignedInUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(StoreArrange.PageOf(tickets.Entity, product))).Response.StatusCode);
        using (var add = await outsider.PostAddAsync(tickets.Entity, product, One)) Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Equal(0, await app.CartLinesAsync(outsiderUser.Id));

        var holder = await app.PaidOrderAsync(tickets, 1);
        using var client = await app.SignedInAsync(holder.Buyer);
        Assert.True((await client.AddToCartAsync(tickets.Entity, product)).IsRedirect());
        Assert.Equal(1, await app.CartLinesAsync(holder.Buyer.Id));
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

/// <summary>Racing checkouts through HTTP leave exactly the stock sold, per product and per variant.</summary>
public sealed class StoreRaceTests(FlashSaleApp app) : IClassFixture<FlashSaleApp>
{
    private async Task<List<WebClient>> FansAsync(int count, string tag)
    {
        var users = new List<AppUser>();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(20))
            users.AddRange(await Task.WhenAll(chunk.Select(i => app.UserAsync($"{tag}{i}@example.com"))));
        var clients = new List<WebClient>();
        foreach (var chunk in users.Chunk(10)) clients.AddRange(await Task.WhenAll(chunk.Select(app.SignedInAsync)));
        return clients;
    }

    private static async Task<string> RaceAsync(WebClient client, Guid entityId, SemaphoreSlim start)
    {
        var form = await client.GetAsync($"/cart/checkout/{entityId}");
        await start.WaitAsync();
        var response = await client.SubmitRawAsync(form.Document, "#store-checkout-form", StoreArrange.Address);
        if (response.IsRedirect())
        {
            var pay = await client.GetAsync(response.Headers.Location!.ToString());
            await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
            return "bought";
        }
        var html = await response.Content.ReadAsStringAsync();
        return html.Contains("Sold out") ? "sold-out" : "other: " + html;
    }

    [Fact]
    public async Task One_hundred_and_twenty_fans_racing_for_thirty_units_buy_exactly_thirty()
    {
        const int fans = 120, stock = 30;
        var s = await app.StoreAsync(stock: stock);
        var clients = await FansAsync(fans, "race-p-");
        foreach (var chunk in clients.Chunk(10))
            await Task.WhenAll(chunk.Select(async c => Assert.True((await c.AddToCartAsync(s.Entity, s.Product)).IsRedirect())));

        using var start = new SemaphoreSlim(0);
        var attempts = clients.Select(c => RaceAsync(c, s.Entity.Id, start)).ToList();
        start.Release(fans);
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(stock, outcomes.Count(o => o == "bought"));
        Assert.Equal(fans - stock, outcomes.Count(o => o == "sold-out"));
        var v = await app.VariantAsync(s.Product.Variants[0].Id);
        Assert.Equal((stock, 0), (v.Sold, v.Held));
        Assert.Equal(stock, await app.StoreOrdersAsync(s.Entity.Id, OrderStatus.Paid));
        foreach (var c in clients) c.Dispose();
    }

    [Fact]
    public async Task Fans_racing_for_two_variants_never_take_more_than_each_variants_stock()
    {
        const int fans = 80;
        var s = await app.StoreAsync();
        var product = await app.ProductAsync(s.Entity.Id, variants: [("S", 10), ("M", 15)]);
        var clients = await FansAsync(fans, "race-v-");
        for (var i = 0; i < clients.Count; i++)
            Assert.True((await clients[i].AddToCartAsync(s.Entity, product, variantId: product.Variants[i % 2].Id)).IsRedirect());

        using var start = new SemaphoreSlim(0);
        var attempts = clients.Select(c => RaceAsync(c, s.Entity.Id, start)).ToList();
        start.Release(fans);
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(25, outcomes.Count(o => o == "bought"));
        Assert.Equal(fans - 25, outcomes.Count(o => o == "sold-out"));
        var small = await app.VariantAsync(product.Variants[0].Id);
        var medium = await app.VariantAsync(product.Variants[1].Id);
        Assert.Equal((10, 0, 15, 0), (small.Sold, small.Held, medium.Sold, medium.Held));
        await using var db = app.CreateDb();
        Assert.Equal(25, await db.Set<OrderLine>().Where(l => l.ItemId == small.Id || l.ItemId == medium.Id)
            .Where(l => db.Set<Order>().Any(o => o.Id == l.OrderId && o.Status == OrderStatus.Paid)).SumAsync(l => l.Quantity));
        foreach (var c in clients) c.Dispose();
    }
}

using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

/// <summary>Prices come from the server; tampered fields change nothing, and a changed price is never charged unseen.</summary>
public sealed class PriceIntegrityTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Tampered_price_product_and_variant_fields_change_nothing_and_the_charge_is_the_servers_total()
    {
        var s = await app.StoreAsync(priceMinor: 1500);
        var other = await app.ProductAsync(s.Entity.Id, priceMinor: 100, variants: [("S", 5), ("M", 5)]);
        var (fan, fanUser) = await app.SignedInUserAsync();

        // A variant of another product, an unknown variant: refused, nothing written.
        using (var r = await fan.AddToCartAsync(s.Entity, s.Product, extra: new Dictionary<string, string> { ["VariantId"] = other.Variants[0].Id.ToString() }))
            Assert.Contains("That option is not sold for this product.", await r.Content.ReadAsStringAsync());
        using (var r = await fan.AddToCartAsync(s.Entity, s.Product, extra: new Dictionary<string, string> { ["VariantId"] = Guid.NewGuid().ToString() }))
            Assert.Contains("That option is not sold for this product.", await r.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.CartLinesAsync(fanUser.Id));

        // Price and product fields the form never had are ignored.
        using (var r = await fan.AddToCartAsync(s.Entity, s.Product, quantity: 2, extra: new Dictionary<string, string>
               { ["PriceMinor"] = "1", ["Price"] = "0.01", ["ProductId"] = other.Id.ToString(), ["UnitPriceMinor"] = "1" }))
            Assert.True(r.IsRedirect());
        var fields = new Dictionary<string, string>(StoreArrange.Address) { ["TotalMinor"] = "1", ["Lines[0].UnitPriceMinor"] = "1" };
        var orderId = await fan.CheckoutAndPayAsync(s.Entity.Id, fields);
        await using var db = app.CreateDb();
        var order = await db.Set<Order>().Include(o => o.Lines).SingleAsync(o => o.Id == orderId);
        Assert.Equal((3000L, OrderStatus.Paid), (order.TotalMinor, order.Status));
        Assert.Equal(s.Product.Variants[0].Id, Assert.Single(order.Lines).ItemId);
    }

    [Fact]
    public async Task A_price_change_after_adding_blocks_checkout_until_the_fan_accepts_the_new_price()
    {
        var s = await app.StoreAsync(priceMinor: 1000);
        var (fan, _) = await app.SignedInUserAsync();
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());
        await using (var db = app.CreateDb())
            await db.Set<Product>().Where(p => p.Id == s.Product.Id).ExecuteUpdateAsync(x => x.SetProperty(p => p.PriceMinor, 1200L));

        var cart = await fan.GetAsync("/cart");
        Assert.Contains("Price changed from 10.00 EUR to 12.00 EUR", cart.Document.QuerySelector("[data-testid=price-changed]")!.TextContent);
        Assert.Null(cart.Document.QuerySelector("[data-testid=checkout-link]"));
        using (var r = await fan.PostAsync($"/cart/checkout/{s.Entity.Id}", cart.Document, StoreArrange.Address))
        {
            Assert.False(r.IsRedirect());
            Assert.Contains("prices changed", await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await app.StoreOrdersAsync(s.Entity.Id));

        await fan.SubmitAsync(cart.Document, "form[action$='handler=AcceptPrices']");
        var orderId = await fan.CheckoutAndPayAsync(s.Entity.Id);
        await using var check = app.CreateDb();
        Assert.Equal(1200L, (await check.Set<Order>().SingleAsync(o => o.Id == orderId)).TotalMinor);
    }
}

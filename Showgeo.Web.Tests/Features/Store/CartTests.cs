using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Store;

public sealed class CartTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Without_javascript_a_fan_adds_to_cart_by_form_and_redirect_and_checks_out_a_physical_item()
    {
        var s = await app.StoreAsync(stock: 5, priceMinor: 2500);
        var (fan, fanUser) = await app.SignedInUserAsync();
        using var add = await fan.AddToCartAsync(s.Entity, s.Product, quantity: 2);
        Assert.True(add.IsRedirect());
        var cart = await fan.FollowAsync(add);
        Assert.Equal("2", cart.Document.QuerySelector("[data-testid=cart-count]")!.TextContent);
        Assert.Contains("Added 2", cart.Html);
        Assert.Equal("50.00 EUR", cart.Document.QuerySelector("[data-testid=store-total]")!.TextContent);

        var orderId = await fan.CheckoutAndPayAsync(s.Entity.Id);
        await using var db = app.CreateDb();
        var store = await db.Set<StoreOrder>().SingleAsync(o => o.OrderId == orderId);
        Assert.Equal(("Pat Fan", "LS1 1AA", "GB", true), (store.ShipName, store.ShipPostcode, store.ShipCountry, store.RequiresShipping));
        var v = await app.VariantAsync(s.Product.Variants[0].Id);
        Assert.Equal((2, 0), (v.Sold, v.Held));
        Assert.Equal(0, await app.CartLinesAsync(fanUser.Id));
        var page = await fan.GetAsync($"/me/orders/store/{orderId}");
        Assert.Equal("Paid", page.Document.QuerySelector("[data-testid=order-status]")!.TextContent);
    }

    [Fact]
    public async Task With_htmx_adding_returns_the_form_fragment_and_the_badge_out_of_band()
    {
        var s = await app.StoreAsync();
        var (fan, _) = await app.SignedInUserAsync();
        using var add = await fan.AddToCartAsync(s.Entity, s.Product, quantity: 3, htmx: true);
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        var html = await add.Content.ReadAsStringAsync();
        var doc = WebClient.Parse(html);
        Assert.Null(doc.QuerySelector("header"));
        Assert.NotNull(doc.QuerySelector("#add-to-cart"));
        var badge = doc.QuerySelector("#cart-badge")!;
        Assert.Equal("true", badge.GetAttribute("hx-swap-oob"));
        Assert.Equal("3", badge.QuerySelector("[data-testid=cart-count]")!.TextContent);
    }

    [Fact]
    public async Task A_guests_cart_is_kept_and_merged_into_the_accounts_cart_on_sign_in()
    {
        var s = await app.StoreAsync();
        var second = await app.ProductAsync(s.Entity.Id);
        var user = await app.UserAsync();
        // The account already has one of the first product.
        using (var signedIn = await app.SignedInAsync(user))
            Assert.True((await signedIn.AddToCartAsync(s.Entity, s.Product)).IsRedirect());

        using var guest = app.CreateClient();
        Assert.True((await guest.AddToCartAsync(s.Entity, s.Product, quantity: 2)).IsRedirect());
        Assert.True((await guest.AddToCartAsync(s.Entity, second)).IsRedirect());
        Assert.Equal("3", (await guest.GetAsync("/cart")).Document.QuerySelector("[data-testid=cart-count]")!.TextContent);

        var after = await guest.SignInAsync(user.Email!, Password);
        Assert.Equal("4", after.Document.QuerySelector("[data-testid=cart-count]")!.TextContent);
        var cart = await guest.GetAsync("/cart");
        Assert.Equal(2, cart.Document.QuerySelectorAll("[data-testid=cart-line]").Length);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Cart>().CountAsync(c => c.UserId == user.Id));
        Assert.Equal(0, await db.Set<Cart>().CountAsync(c => c.UserId == null && c.Lines.Any(l => l.VariantId == second.Variants[0].Id)));
    }

    [Theory]
    [InlineData("0", "at least 1")]
    [InlineData("-3", "at least 1")]
    [InlineData("abc", "whole-number")]
    [InlineData("99999999999", "whole-number")]
    [InlineData("11", "at most 10")]
    public async Task Bad_quantities_are_refused_with_a_message_and_nothing_is_written(string quantity, string message)
    {
        var s = await app.StoreAsync(stock: 50);
        var (fan, fanUser) = await app.SignedInUserAsync();
        using var r = await fan.PostAddAsync(s.Entity, s.Product, new Dictionary<string, string> { ["Quantity"] = quantity });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(message, WebClient.Parse(await r.Content.ReadAsStringAsync()).QuerySelector("[data-testid=add-error]")!.TextContent);
        Assert.Equal(0, await app.CartLinesAsync(fanUser.Id));
    }

    [Fact]
    public async Task More_than_the_stock_unknown_ids_and_bad_cart_updates_are_refused_without_a_500()
    {
        var s = await app.StoreAsync(stock: 2);
        var (fan, fanUser) = await app.SignedInUserAsync();
        using (var r = await fan.AddToCartAsync(s.Entity, s.Product, quantity: 3))
            Assert.Contains("Only 2 left", await r.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{s.Entity.Slug}/store/no-such-thing")).Response.StatusCode);
        var cart = await fan.GetAsync("/cart");
        using (var r = await fan.PostAsync($"/e/{s.Entity.Slug}/store/no-such-thing?handler=Add", cart.Document, new Dictionary<string, string> { ["Quantity"] = "1" }))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await fan.PostAsync($"/cart?handler=Quantity&variantId={Guid.NewGuid()}", cart.Document, new Dictionary<string, string> { ["quantity"] = "2" }))
            Assert.Contains("That item is not in your cart.", await r.Content.ReadAsStringAsync());
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());
        var variant = s.Product.Variants[0].Id;
        foreach (var (q, message) in new[] { ("5", "Only 2"), ("-1", "cannot be negative"), ("x", "whole number") })
            using (var r = await fan.PostAsync($"/cart?handler=Quantity&variantId={variant}", cart.Document, new Dictionary<string, string> { ["quantity"] = q }))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Contains(message, await r.Content.ReadAsStringAsync());
            }
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<CartLine>().Where(l => l.VariantId == variant).Select(l => l.Quantity).SingleAsync());
        using (var r = await fan.PostAsync($"/cart/checkout/{Guid.NewGuid()}", cart.Document, StoreArrange.Address))
            Assert.Contains("nothing from that store", await r.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Input.Name")]
    [InlineData("Input.Line1")]
    [InlineData("Input.City")]
    [InlineData("Input.Postcode")]
    [InlineData("Input.Country")]
    public async Task A_shipping_address_with_a_missing_field_is_refused_and_nothing_is_ordered(string missing)
    {
        var s = await app.StoreAsync();
        var (fan, _) = await app.SignedInUserAsync();
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());
        var fields = new Dictionary<string, string>(StoreArrange.Address) { [missing] = "" };
        using var r = await fan.CheckoutAsync(s.Entity.Id, fields);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var doc = WebClient.Parse(await r.Content.ReadAsStringAsync());
        Assert.Contains("shipping address is incomplete", doc.QuerySelector("[data-testid=checkout-error]")!.TextContent);
        Assert.Contains(doc.QuerySelectorAll("#store-checkout-form span.error"), e => e.TextContent.Trim().Length > 0);
        Assert.Equal(0, await app.StoreOrdersAsync(s.Entity.Id));
        Assert.Equal(0, (await app.VariantAsync(s.Product.Variants[0].Id)).Held);
    }

    [Fact]
    public async Task A_cart_with_two_stores_checks_each_out_as_its_own_order_and_me_orders_lists_tickets_and_store_orders()
    {
        var first = await app.StoreAsync(priceMinor: 1000);
        var second = await app.StoreAsync(priceMinor: 700);
        var tickets = await app.EventWithTicketsAsync();
        var buyer = (await app.PaidOrderAsync(tickets, 1)).Buyer;
        using var fan = await app.SignedInAsync(buyer);
        Assert.True((await fan.AddToCartAsync(first.Entity, first.Product)).IsRedirect());
        Assert.True((await fan.AddToCartAsync(second.Entity, second.Product)).IsRedirect());
        var cart = await fan.GetAsync("/cart");
        Assert.Equal(2, cart.Document.QuerySelectorAll("[data-testid=cart-store]").Length);
        await fan.CheckoutAndPayAsync(first.Entity.Id);
        cart = await fan.GetAsync("/cart");
        Assert.Single(cart.Document.QuerySelectorAll("[data-testid=cart-store]"));
        await fan.CheckoutAndPayAsync(second.Entity.Id);

        var orders = await fan.GetAsync("/me/orders");
        var kinds = orders.Document.QuerySelectorAll("[data-testid=my-order]").Select(r => r.GetAttribute("data-kind")).ToList();
        Assert.Equal(2, kinds.Count(k => k == StoreOrderKind.Name));
        Assert.Equal(1, kinds.Count(k => k == "tickets"));
        await using var db = app.CreateDb();
        Assert.Equal(2, await db.Set<Order>().CountAsync(o => o.UserId == buyer.Id && o.Kind == StoreOrderKind.Name && o.Status == OrderStatus.Paid));
    }

    [Fact]
    public async Task An_abandoned_payment_releases_the_stock_and_keeps_the_cart()
    {
        var s = await app.StoreAsync(stock: 3);
        var (fan, fanUser) = await app.SignedInUserAsync();
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product, quantity: 3)).IsRedirect());
        using var checkout = await fan.CheckoutAsync(s.Entity.Id);
        Assert.True(checkout.IsRedirect());
        Assert.Equal(3, (await app.VariantAsync(s.Product.Variants[0].Id)).Held);
        var pay = await fan.GetAsync(checkout.Headers.Location!.OriginalString);
        await fan.SubmitAsync(pay.Document, "form[action$='handler=Abandon']");
        var v = await app.VariantAsync(s.Product.Variants[0].Id);
        Assert.Equal((0, 0), (v.Sold, v.Held));
        Assert.Equal(1, await app.CartLinesAsync(fanUser.Id));
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

public sealed class StoreRefundTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Refunding_one_line_returns_its_stock_and_money_and_a_whole_order_refund_returns_the_rest()
    {
        var s = await app.StoreAsync(stock: 10, priceMinor: 1000);
        var shirt = await app.ProductAsync(s.Entity.Id, priceMinor: 2500, variants: [("M", 4)]);
        var (fan, _) = await app.SignedInUserAsync();
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product, quantity: 2)).IsRedirect());
        Assert.True((await fan.AddToCartAsync(s.Entity, shirt, variantId: shirt.Variants[0].Id)).IsRedirect());
        var orderId = await fan.CheckoutAndPayAsync(s.Entity.Id);
        Assert.Equal(2, (await app.VariantAsync(s.Product.Variants[0].Id)).Sold);

        using var manager = await app.SignedInAsync(s.Manager);
        var page = await manager.GetAsync($"/manage/{s.Entity.Slug}/store/orders");
        var refund = await manager.SubmitAsync(page.Document, "form[action*='handler=RefundLine']");
        await using (var db = app.CreateDb())
        {
            var order = await db.Set<Order>().SingleAsync(o => o.Id == orderId);
            Assert.Equal(OrderStatus.PartiallyRefunded, order.Status);
        }
        var refundedLine = await RefundedLineAsync(orderId);
        var variantBack = await app.VariantAsync(refundedLine.VariantId);
        Assert.Equal(0, variantBack.Sold);
        Assert.Contains("Refunded", refund.Html);

        page = await manager.GetAsync($"/manage/{s.Entity.Slug}/store/orders");
        await manager.SubmitAsync(page.Document, "form[action*='handler=RefundOrder']");
        await using var check = app.CreateDb();
        var done = await check.Set<Order>().SingleAsync(o => o.Id == orderId);
        Assert.Equal((OrderStatus.Refunded, 4500L), (done.Status, done.RefundedMinor));
        Assert.Equal(0, (await app.VariantAsync(s.Product.Variants[0].Id)).Sold);
        Assert.Equal(0, (await app.VariantAsync(shirt.Variants[0].Id)).Sold);
        Assert.Equal(0, await check.Set<StoreOrderLine>().CountAsync(l => l.OrderId == orderId && l.RefundedAt == null));
    }

    private async Task<StoreOrderLine> RefundedLineAsync(Guid orderId)
    {
        await using var db = app.CreateDb();
        return await db.Set<StoreOrderLine>().SingleAsync(l => l.OrderId == orderId && l.RefundedAt != null);
    }

    [Fact]
    public async Task A_coordinator_ships_an_order_and_the_fan_sees_it_but_cannot_refund()
    {
        var s = await app.StoreAsync();
        var coordinator = await app.UserAsync();
        await app.AddMemberAsync(s.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        var (fan, _) = await app.SignedInUserAsync();
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());
        var orderId = await fan.CheckoutAndPayAsync(s.Entity.Id);

        using var door = await app.SignedInAsync(coordinator);
        var page = await door.GetAsync($"/manage/{s.Entity.Slug}/store/orders");
        Assert.Null(page.Document.QuerySelector("[data-testid=refund-order]"));
        using (var r = await door.PostAsync($"/manage/{s.Entity.Slug}/store/orders?handler=RefundOrder&orderId={orderId}", page.Document))
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await door.GetAsync($"/manage/{s.Entity.Slug}/store")).Response.StatusCode);
        var shipped = await door.SubmitAsync(page.Document, "form[action*='handler=Ship']");
        Assert.Contains("Marked shipped", shipped.Html);

        var order = await fan.GetAsync($"/me/orders/store/{orderId}");
        Assert.StartsWith("Shipped on", order.Document.QuerySelector("[data-testid=shipping-status]")!.TextContent);
        await using var db = app.CreateDb();
        Assert.True(await db.Set<Showgeo.Web.Infrastructure.Outbox.OutboxMessage>().AnyAsync(m => m.Type.Contains(nameof(StoreOrderShipped))));
        Assert.Equal(OrderStatus.Paid, (await db.Set<Order>().SingleAsync(o => o.Id == orderId)).Status);
    }
}

public sealed class SalesNumbersTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task The_store_page_shows_units_and_revenue_per_product_and_per_event_and_refunds_leave_the_numbers()
    {
        var s = await app.StoreAsync(priceMinor: 1000);
        var ev = await app.EventAsync(s.Entity.Id, title: "Night One");
        var poster = await app.ProductAsync(s.Entity.Id, priceMinor: 500, eventId: ev.Id);
        var (fan, _) = await app.SignedInUserAsync();
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product, quantity: 2)).IsRedirect());
        Assert.True((await fan.AddToCartAsync(s.Entity, poster, quantity: 3)).IsRedirect());
        await fan.CheckoutAndPayAsync(s.Entity.Id);
        // The event page shows the attached product.
        Assert.Contains(poster.Name, (await fan.GetAsync($"/events/{ev.Slug}")).Document.QuerySelector("#attached-products")!.TextContent);

        using var manager = await app.SignedInAsync(s.Manager);
        var page = await manager.GetAsync($"/manage/{s.Entity.Slug}/store");
        string Cell(string slug, string id) => page.Document.QuerySelector($"[data-slug='{slug}'] [data-testid={id}]")!.TextContent;
        Assert.Equal(("2", "20.00 EUR"), (Cell(s.Product.Slug, "units-sold"), Cell(s.Product.Slug, "revenue")));
        Assert.Equal(("3", "15.00 EUR"), (Cell(poster.Slug, "units-sold"), Cell(poster.Slug, "revenue")));
        var perEvent = Assert.Single(page.Document.QuerySelectorAll("[data-testid=event-sales]"));
        Assert.Contains("Night One", perEvent.TextContent);
        Assert.Contains("15.00 EUR", perEvent.TextContent);

        var orders = await manager.GetAsync($"/manage/{s.Entity.Slug}/store/orders");
        await manager.SubmitAsync(orders.Document, "form[action*='handler=RefundOrder']");
        page = await manager.GetAsync($"/manage/{s.Entity.Slug}/store");
        Assert.Equal("0", Cell(s.Product.Slug, "units-sold"));
        Assert.Empty(page.Document.QuerySelectorAll("[data-testid=event-sales]"));
    }
}

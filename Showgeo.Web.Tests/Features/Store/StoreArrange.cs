using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

/// <summary>A store: its entity, its owner, and one product.</summary>
public sealed record ArrangedStore(Entity Entity, AppUser Manager, Product Product);

/// <summary>Rows for store tests, and the fan's steps (add to cart, check out, pay) driven through the real pages.</summary>
public static class StoreArrange
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>A product written straight to the database; <paramref name="variants"/> are (name, stock), default one unnamed variant of <paramref name="stock"/>.</summary>
    public static async Task<Product> ProductAsync(this ShowgeoApp app, Guid entityId, string? slug = null, long priceMinor = 2000,
        string currency = "EUR", int? stock = 20, (string Name, int? Stock)[]? variants = null, ProductKind kind = ProductKind.Physical,
        ProductVisibility visibility = ProductVisibility.Public, DateTimeOffset? dropAt = null, Guid? eventId = null,
        Guid? holdersEventId = null, Guid? digitalAssetId = null, int maxPerOrder = 10, string? name = null)
    {
        slug ??= "p-" + Tag();
        var now = DateTimeOffset.UtcNow;
        var product = new Product
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, Slug = slug, Name = name ?? $"Product {slug}", Description = "A thing.",
            Kind = kind, PriceMinor = priceMinor, Currency = currency, Visibility = visibility, DropAt = dropAt, EventId = eventId,
            HoldersEventId = holdersEventId, DigitalAssetId = digitalAssetId, MaxPerOrder = maxPerOrder, CreatedAt = now, UpdatedAt = now,
            DroppedAt = dropAt is null && visibility != ProductVisibility.Draft ? now : null,
        };
        var position = 0;
        foreach (var (vname, vstock) in variants ?? [("", kind == ProductKind.Digital ? null : stock)])
            product.Variants.Add(new ProductVariant { Id = Guid.CreateVersion7(), Name = vname, Stock = vstock, Position = position++ });
        await using var db = app.CreateDb();
        db.Add(product);
        await db.SaveChangesAsync();
        return product;
    }

    /// <summary>A new entity owned by a new manager, with one product.</summary>
    public static async Task<ArrangedStore> StoreAsync(this ShowgeoApp app, int stock = 20, long priceMinor = 2000,
        ProductVisibility visibility = ProductVisibility.Public, DateTimeOffset? dropAt = null, bool suspended = false)
    {
        var tag = Tag();
        var manager = await app.UserAsync($"shop-{tag}@example.com", "Shopkeeper " + tag);
        var entity = await app.EntityAsync("shop-" + tag, members: [(manager.Id, EntityRole.Owner)], suspended: suspended);
        var product = await app.ProductAsync(entity.Id, stock: stock, priceMinor: priceMinor, visibility: visibility, dropAt: dropAt);
        return new ArrangedStore(entity, manager, product);
    }

    public static string PageOf(Entity entity, Product product) => $"/e/{entity.Slug}/store/{product.Slug}";

    /// <summary>Opens the product page and submits its add form like a browser without JavaScript (no redirect following).</summary>
    public static async Task<HttpResponseMessage> AddToCartAsync(this WebClient client, Entity entity, Product product, int quantity = 1,
        Guid? variantId = null, bool htmx = false, IReadOnlyDictionary<string, string>? extra = null)
    {
        var page = await client.GetAsync(PageOf(entity, product));
        Assert.Equal(HttpStatusCode.OK, page.Response.StatusCode);
        var values = new Dictionary<string, string> { ["Quantity"] = quantity.ToString() };
        if (variantId is { } v) values["VariantId"] = v.ToString();
        foreach (var (k, val) in extra ?? new Dictionary<string, string>()) values[k] = val;
        return await client.SubmitRawAsync(page.Document, "#add-to-cart-form", values, htmx);
    }

    /// <summary>POSTs the add handler directly, with a token from any page: what a hand-made request can do.</summary>
    public static async Task<HttpResponseMessage> PostAddAsync(this WebClient client, Entity entity, Product product, IReadOnlyDictionary<string, string> values)
    {
        var tokenPage = await client.GetAsync("/cart");
        return await client.PostAsync(PageOf(entity, product) + "?handler=Add", tokenPage.Document, values);
    }

    public static readonly Dictionary<string, string> Address = new()
    {
        ["Input.Name"] = "Pat Fan", ["Input.Line1"] = "1 High Street", ["Input.City"] = "Leeds", ["Input.Postcode"] = "LS1 1AA", ["Input.Country"] = "GB",
    };

    /// <summary>Submits the checkout form of one store (no redirect following).</summary>
    public static async Task<HttpResponseMessage> CheckoutAsync(this WebClient client, Guid entityId, IReadOnlyDictionary<string, string>? fields = null, bool htmx = false)
    {
        var page = await client.GetAsync($"/cart/checkout/{entityId}");
        return await client.SubmitRawAsync(page.Document, "#store-checkout-form", fields ?? Address, htmx);
    }

    /// <summary>Checks out and pays on the local test-payment page; returns the order id.</summary>
    public static async Task<Guid> CheckoutAndPayAsync(this WebClient client, Guid entityId, IReadOnlyDictionary<string, string>? fields = null)
    {
        using var response = await client.CheckoutAsync(entityId, fields);
        Assert.True(response.IsRedirect(), "Checkout did not redirect: " + await response.Content.ReadAsStringAsync());
        var payUrl = response.Headers.Location!.OriginalString;
        var pay = await client.GetAsync(payUrl);
        await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        return Guid.Parse(payUrl.Split('/').Last());
    }

    public static async Task<ProductVariant> VariantAsync(this ShowgeoApp app, Guid variantId)
    {
        await using var db = app.CreateDb();
        return await db.Set<ProductVariant>().AsNoTracking().SingleAsync(v => v.Id == variantId);
    }

    public static async Task<int> CartLinesAsync(this ShowgeoApp app, Guid userId)
    {
        await using var db = app.CreateDb();
        return await db.Set<CartLine>().CountAsync(l => db.Set<Cart>().Any(c => c.Id == l.CartId && c.UserId == userId));
    }

    public static async Task<int> StoreOrdersAsync(this ShowgeoApp app, Guid entityId, OrderStatus? status = null)
    {
        await using var db = app.CreateDb();
        return await db.Set<Order>().CountAsync(o => o.Kind == StoreOrderKind.Name && o.ReferenceId == entityId && (status == null || o.Status == status));
    }
}

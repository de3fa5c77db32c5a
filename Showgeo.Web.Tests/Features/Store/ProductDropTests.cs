using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

public sealed class ProductDropTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task At_the_drop_time_the_product_is_on_sale_by_itself_and_ProductDropped_is_raised_once()
    {
        var (fan, _) = await app.SignedInUserAsync();
        var s = await app.StoreAsync(dropAt: DateTimeOffset.UtcNow.AddSeconds(4));
        using (var before = await fan.PostAddAsync(s.Entity, s.Product, new Dictionary<string, string> { ["Quantity"] = "1" }))
            Assert.Contains("cannot be bought before then", await before.Content.ReadAsStringAsync());
        Assert.Equal(0, await RunJobAsync());
        await Task.Delay(TimeSpan.FromSeconds(4.5));

        var page = await fan.GetAsync(StoreArrange.PageOf(s.Entity, s.Product));
        Assert.Null(page.Document.QuerySelector("[data-testid=countdown]"));
        Assert.True((await fan.AddToCartAsync(s.Entity, s.Product)).IsRedirect());

        // The scheduler may have recorded it already; between them it happens exactly once.
        await RunJobAsync();
        Assert.Equal(0, await RunJobAsync());
        await using var db = app.CreateDb();
        var events = (await db.Set<OutboxMessage>().Where(m => m.Type.Contains(nameof(ProductDropped))).ToListAsync())
            .Where(m => m.Payload.Contains(s.Product.Id.ToString())).ToList();
        var e = Assert.Single(events);
        Assert.Contains(s.Entity.Slug, e.Payload);
        Assert.NotNull((await db.Set<Product>().SingleAsync(p => p.Id == s.Product.Id)).DroppedAt);
    }

    private Task<int> RunJobAsync() =>
        app.WithScopeAsync(sp => sp.GetRequiredService<ProductDropJob>().RunOnceAsync(CancellationToken.None));
}

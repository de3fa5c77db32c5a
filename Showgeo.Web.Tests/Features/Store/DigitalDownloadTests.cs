using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

/// <summary>Download links are signed, expire, and work only for the buyer's account.</summary>
public sealed class DigitalDownloadTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% the album booklet\n");

    private async Task<(ArrangedStore Store, Product Digital)> DigitalAsync()
    {
        var s = await app.StoreAsync();
        var asset = await app.WithScopeAsync(async sp =>
        {
            using var content = new MemoryStream(Pdf);
            var result = await sp.GetRequiredService<AssetService>().UploadAsync(
                new AssetUpload(content, Pdf.Length, "booklet.pdf", "application/pdf", s.Manager.Id, s.Entity.Id, IsPrivate: true), AssetService.AnyKind);
            return result.Asset!;
        });
        var digital = await app.ProductAsync(s.Entity.Id, kind: ProductKind.Digital, digitalAssetId: asset.Id, priceMinor: 900);
        return (s, digital);
    }

    [Fact]
    public async Task The_buyer_downloads_the_file_and_nobody_else_can_with_the_same_or_a_guessed_link()
    {
        var (s, digital) = await DigitalAsync();
        var (buyer, buyerUser) = await app.SignedInUserAsync();
        Assert.True((await buyer.AddToCartAsync(s.Entity, digital)).IsRedirect());
        // Nothing ships, so no address is asked.
        var orderId = await buyer.CheckoutAndPayAsync(s.Entity.Id, new Dictionary<string, string>());
        var order = await buyer.GetAsync($"/me/orders/store/{orderId}");
        var link = order.Document.QuerySelector("[data-testid=download-link]")!.GetAttribute("href")!;

        using (var file = await buyer.Http.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(Pdf, await file.Content.ReadAsByteArrayAsync());
            Assert.Contains("no-store", file.Headers.CacheControl!.ToString());
        }
        // The private asset itself is not reachable by the buyer.
        var assetId = (await app.WithScopeAsync(sp => Task.FromResult(digital.DigitalAssetId!.Value)));
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync($"/assets/{assetId}")).StatusCode);

        var (other, _) = await app.SignedInUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(link)).StatusCode);
        using var guest = app.CreateClient();
        Assert.NotEqual(HttpStatusCode.OK, (await guest.Http.GetAsync(link)).StatusCode);

        // A token with one character changed, a token made up, no token.
        var t = link[(link.IndexOf("t=", StringComparison.Ordinal) + 2)..].Split('&')[0];
        var flipped = link.Replace("t=" + t, "t=" + (t[^5] == 'A' ? t[..^5] + "B" + t[^4..] : t[..^5] + "A" + t[^4..]));
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync(flipped)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync(link.Replace("t=" + t, "t=CfDJ8guessed"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync(System.Text.RegularExpressions.Regex.Replace(link, "[?&]t=[^&]*", ""))).StatusCode);

        // A link made for the buyer but for another account's order line does not open it either.
        var lineId = Guid.Parse(System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), link).Query)["lineId"]!);
        var forOther = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<DownloadLinks>().Mint(lineId, Guid.NewGuid(), DateTimeOffset.UtcNow.AddMinutes(5))));
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync(link.Replace("t=" + t, "t=" + Uri.EscapeDataString(forOther)))).StatusCode);

        // Expired: a genuine token for this buyer and line whose time has passed.
        var expired = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<DownloadLinks>().Mint(lineId, buyerUser.Id, DateTimeOffset.UtcNow.AddSeconds(-1))));
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync(link.Replace("t=" + t, "t=" + Uri.EscapeDataString(expired)))).StatusCode);
        // A fresh link comes from the order page.
        var fresh = (await buyer.GetAsync($"/me/orders/store/{orderId}")).Document.QuerySelector("[data-testid=download-link]")!.GetAttribute("href")!;
        Assert.Equal(HttpStatusCode.OK, (await buyer.Http.GetAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task Another_account_cannot_see_the_order_page()
    {
        var (s, digital) = await DigitalAsync();
        var (buyer, _) = await app.SignedInUserAsync();
        Assert.True((await buyer.AddToCartAsync(s.Entity, digital)).IsRedirect());
        var orderId = await buyer.CheckoutAndPayAsync(s.Entity.Id, new Dictionary<string, string>());
        var (other, _) = await app.SignedInUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/me/orders/store/{orderId}")).Response.StatusCode);
    }
}

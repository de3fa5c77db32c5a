using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Store;

public sealed class StoreBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_guest_adds_two_products_signs_in_pays_downloads_and_sees_the_physical_one_shipped(bool javaScript)
    {
        var s = await app.StoreAsync(stock: 10, priceMinor: 2500);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\nsongbook\n");
        var asset = await app.WithScopeAsync(async sp =>
        {
            using var content = new MemoryStream(pdf);
            return (await sp.GetRequiredService<AssetService>().UploadAsync(new AssetUpload(content, pdf.Length, "songbook.pdf",
                "application/pdf", s.Manager.Id, s.Entity.Id, IsPrivate: true), AssetService.AnyKind)).Asset!;
        });
        var digital = await app.ProductAsync(s.Entity.Id, kind: ProductKind.Digital, digitalAssetId: asset.Id, priceMinor: 500, name: "Songbook");
        var fan = await app.UserAsync($"store-fan-{javaScript}@example.com", "Sam Shopper");

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync(StoreArrange.PageOf(s.Entity, s.Product));
            if (javaScript) await page.EvaluateAsync("() => window.__sameDocument = true");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
            await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("1");
            await page.GotoAsync(StoreArrange.PageOf(s.Entity, digital));
            if (javaScript) await page.EvaluateAsync("() => window.__sameDocument = true");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
            await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");
            if (javaScript)
            {
                // The badge changed by an htmx swap, not a new page.
                Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
                await Expect(page.GetByTestId("added")).ToContainTextAsync("Songbook");
            }

            await page.SignInAsync(fan);
            await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");
            await page.GotoAsync("/cart");
            await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(2);
            await page.GetByTestId("checkout-link").ClickAsync();
            await Expect(page.GetByTestId("checkout-total")).ToHaveTextAsync("30.00 EUR");
            await page.GetByLabel("Name").FillAsync("Sam Shopper");
            await page.GetByLabel("Address", new() { Exact = true }).FillAsync("2 Mill Lane");
            await page.GetByLabel("Town or city").FillAsync("Leeds");
            await page.GetByLabel("Postcode").FillAsync("LS2 2BB");
            await page.GetByLabel("Country (two letters)").FillAsync("GB");
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay 30.00 EUR" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)" }).ClickAsync();
            await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");
            await Expect(page.GetByTestId("shipping-status")).ToHaveTextAsync("Not shipped yet.");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-link").ClickAsync());
            var path = await download.PathAsync();
            Assert.Equal(pdf, await File.ReadAllBytesAsync(path));
            Assert.Equal("songbook.pdf", download.SuggestedFilename);
            await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("0");
        }, javaScript);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(s.Manager);
            await page.GotoAsync($"/manage/{s.Entity.Slug}/store/orders");
            await page.GetByTestId("mark-shipped").ClickAsync();
            await Expect(page.GetByTestId("shipped")).ToBeVisibleAsync();
        }, javaScript);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync("/me/orders");
            await page.GetByTestId("my-order").GetByRole(AriaRole.Link).ClickAsync();
            await Expect(page.GetByTestId("shipping-status")).ToContainTextAsync("Shipped on");
        }, javaScript);
    }
}

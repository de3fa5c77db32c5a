using Microsoft.Playwright;
using Showgeo.Web.Tests.Features.Assets;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Users;

public sealed class ProfileBrowserTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Uploading_a_picture_shows_it_on_the_profile_page(bool javaScriptEnabled)
    {
        var user = await app.UserAsync($"browser{javaScriptEnabled}@example.com".ToLowerInvariant(), "Browser User");

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(user);

            await page.GotoAsync("/me/profile");
            await page.GetByLabel("Picture (JPEG, PNG, GIF or WebP)").SetInputFilesAsync(new FilePayload
            {
                Name = "me.png", MimeType = "image/png", Buffer = Samples.Png,
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload picture" }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your picture was updated.");
            await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Your picture" })).ToBeVisibleAsync();
            var loaded = await page.GetByRole(AriaRole.Img, new() { Name = "Your picture" })
                .EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1");
            Assert.Equal(1, loaded);
        }, javaScriptEnabled);
    }
}

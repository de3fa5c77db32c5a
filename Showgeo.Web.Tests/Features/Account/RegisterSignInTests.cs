using System.Net;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class RegisterSignInTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Register_then_sign_out_then_sign_in_shows_name_in_header()
    {
        using var client = app.CreateClient();
        var registered = await client.RegisterAsync("ada@example.com", "correct-horse-1", "Ada L");
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        Assert.Equal("Ada L", registered.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());

        var signedOut = await client.SubmitAsync(registered.Document, "form[action='/account/logout']");
        Assert.Null(signedOut.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Contains("You are signed out", signedOut.Text);

        var signedIn = await client.SignInAsync("ada@example.com", "correct-horse-1");
        Assert.Equal("Ada L", signedIn.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task Browser_registers_signs_out_and_signs_in_with_javascript()
    {
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync("/");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Register" }).ClickAsync();
            await page.GetByLabel("Display name").FillAsync("Grace H");
            await page.GetByLabel("Email").FillAsync("grace@example.com");
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync("correct-horse-2");
            await page.GetByLabel("Confirm password").FillAsync("correct-horse-2");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Grace H");
        });
    }
}

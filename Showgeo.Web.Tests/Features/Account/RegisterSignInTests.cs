using System.Net;
using Microsoft.Playwright;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class RegisterSignInTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Register_then_sign_out_then_sign_in_shows_name_in_header()
    {
        using var client = app.CreateClient();
        var registered = await client.RegisterAsync("ada@example.com", Arrange.Password, "Ada L");
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        Assert.Equal("Ada L", registered.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());

        var signedOut = await client.SubmitAsync(registered.Document, "form[action='/account/logout']");
        Assert.Null(signedOut.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Contains("You are signed out", signedOut.Text);

        var signedIn = await client.SignInAsync("ada@example.com", Arrange.Password);
        Assert.Equal("Ada L", signedIn.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Browser_registers_signs_out_and_signs_in_again(bool javaScriptEnabled)
    {
        var email = $"grace-{(javaScriptEnabled ? "js" : "nojs")}@example.com";
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
            await page.GetByLabel("Display name").FillAsync("Grace H");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Arrange.Password);
            await page.GetByLabel("Confirm password").FillAsync(Arrange.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Grace H");

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("user-name")).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(Arrange.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Grace H");
        }, javaScriptEnabled);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Browser_sees_the_wrong_password_message_in_place(bool javaScriptEnabled)
    {
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync("/account/login");
            await page.GetByLabel("Email").FillAsync("nobody@example.com");
            await page.GetByLabel("Password").FillAsync("wrong-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The email or password is not right.");
            await Assertions.Expect(page.Locator("form#login-form")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("user-name")).ToHaveCountAsync(0);
        }, javaScriptEnabled);
    }
}

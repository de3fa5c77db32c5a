using System.Net;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class ManageTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Change_password_refuses_a_wrong_current_password()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("cp-wrong@example.com", "Cora"));
        var manage = await client.GetAsync("/account/manage");

        var page = await client.SubmitAsync(manage.Document, "#change-password-form", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "not-my-password",
            ["Input.NewPassword"] = "brand-new-pass-1",
            ["Input.ConfirmPassword"] = "brand-new-pass-1",
        });

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("The current password is not right.", page.Document.QuerySelector("#change-password-form")!.TextContent);
        Assert.DoesNotContain("Your password was changed.", page.Text);

        using var fresh = app.CreateClient();
        var oldStillWorks = await fresh.SignInAsync("cp-wrong@example.com", Arrange.Password);
        Assert.Equal("Cora", oldStillWorks.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task Changed_password_is_the_one_that_signs_in_afterwards()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("cp-ok@example.com", "Otto"));
        var manage = await client.GetAsync("/account/manage");

        var page = await client.SubmitAsync(manage.Document, "#change-password-form", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Arrange.Password,
            ["Input.NewPassword"] = "brand-new-pass-1",
            ["Input.ConfirmPassword"] = "brand-new-pass-1",
        });
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Your password was changed.", page.Text);
        Assert.Equal("Otto", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());

        using var withOld = app.CreateClient();
        Assert.Contains("The email or password is not right.", (await withOld.SignInAsync("cp-ok@example.com", Arrange.Password)).Text);
        using var withNew = app.CreateClient();
        var signedIn = await withNew.SignInAsync("cp-ok@example.com", "brand-new-pass-1");
        Assert.Equal("Otto", signedIn.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task Signed_out_visitor_is_sent_to_sign_in_from_the_manage_page()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/account/manage");

        Assert.Equal("/account/login", page.Path);
        Assert.NotNull(page.Document.QuerySelector("form#login-form"));
    }

    [Fact]
    public async Task Htmx_request_to_a_signed_in_page_when_signed_out_gets_401_and_hx_redirect_to_sign_in()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/manage");
        request.Headers.Add("HX-Request", "true");
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var target = new Uri(app.BaseAddress, response.Headers.GetValues("HX-Redirect").Single());
        Assert.Equal("/account/login", target.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Faccount%2Fmanage", target.Query, StringComparison.OrdinalIgnoreCase);
    }
}

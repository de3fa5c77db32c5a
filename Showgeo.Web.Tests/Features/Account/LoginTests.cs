using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class LoginTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private const string WrongPasswordMessage = "The email or password is not right.";

    [Fact]
    public async Task Wrong_password_shows_a_clear_message_and_does_not_sign_in()
    {
        await app.UserAsync("wrong-pw@example.com", "Wendy");

        using var client = app.CreateClient();
        var page = await client.SignInAsync("wrong-pw@example.com", "not-the-password");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(WrongPasswordMessage, page.Text);
        Assert.Null(page.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal("", (page.Document.QuerySelector("#Input_Password") as AngleSharp.Html.Dom.IHtmlInputElement)?.Value);
    }

    [Fact]
    public async Task Unknown_email_gets_the_same_message_as_a_wrong_password()
    {
        using var client = app.CreateClient();
        var page = await client.SignInAsync("nobody-here@example.com", "whatever-password");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(WrongPasswordMessage, page.Text);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_password()
    {
        await app.UserAsync("locked@example.com", "Lola");
        await app.UserAsync("bystander@example.com", "Bea");
        var before = await UserRowAsync("locked@example.com");

        using var attacker = app.CreateClient();
        for (var attempt = 1; attempt <= 4; attempt++)
            Assert.Contains(WrongPasswordMessage, (await attacker.SignInAsync("locked@example.com", $"guess-{attempt}-xx")).Text);
        var fifth = await attacker.SignInAsync("locked@example.com", "guess-5-xx");
        Assert.Contains("This account is locked", fifth.Text);

        using var owner2 = app.CreateClient();
        var withRightPassword = await owner2.SignInAsync("locked@example.com", Arrange.Password);
        Assert.Equal(HttpStatusCode.OK, withRightPassword.Status);
        Assert.Contains("This account is locked after too many failed attempts", withRightPassword.Text);
        Assert.Null(withRightPassword.Document.QuerySelector("[data-testid=user-name]"));
        Assert.DoesNotContain(owner2.Cookies.GetAllCookies(), c => c.Name == "showgeo.auth");

        // Nothing else changed: the account itself is intact and other accounts still sign in.
        var after = await UserRowAsync("locked@example.com");
        Assert.Equal(before.PasswordHash, after.PasswordHash);
        Assert.Equal(before.DisplayName, after.DisplayName);
        Assert.True(after.LockoutEnd > DateTimeOffset.UtcNow);
        using var bystander = app.CreateClient();
        var bystanderIn = await bystander.SignInAsync("bystander@example.com", Arrange.Password);
        Assert.Equal("Bea", bystanderIn.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task Login_post_without_antiforgery_token_is_rejected_and_counts_no_failed_attempt()
    {
        await app.UserAsync("af-login@example.com", "Afa");
        using var client = app.CreateClient();
        await client.GetAsync("/account/login"); // holds the antiforgery cookie, but the form token is missing

        var response = await client.Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "af-login@example.com",
            ["Input.Password"] = Arrange.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "showgeo.auth");
        Assert.Equal(0, (await UserRowAsync("af-login@example.com")).AccessFailedCount);
    }

    [Fact]
    public async Task Htmx_login_with_wrong_password_returns_only_the_login_form_fragment()
    {
        await app.UserAsync("htmx-login@example.com", "Hex");
        using var client = app.CreateClient();
        var login = await client.GetAsync("/account/login");

        using var response = await client.SubmitRawAsync(login.Document, "#login-form", new Dictionary<string, string>
        {
            ["Input.Email"] = "htmx-login@example.com",
            ["Input.Password"] = "wrong-password",
        }, htmx: true);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        var fragment = Showgeo.Web.Tests.Infrastructure.WebClient.Parse(html);
        Assert.NotNull(fragment.QuerySelector("form#login-form"));
        Assert.Contains(WrongPasswordMessage, fragment.Body!.TextContent);
        Assert.Contains("HX-Request", response.Headers.Vary);
    }

    [Fact]
    public async Task Boosted_get_of_the_login_page_returns_the_full_page_and_varies_on_htmx()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/account/login", boosted: true);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<html", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(page.Document.QuerySelector("header.site-header"));
        Assert.NotNull(page.Document.QuerySelector("form#login-form"));
        Assert.Contains("HX-Request", page.Response.Headers.Vary);
    }

    [Fact]
    public async Task Tampered_auth_cookie_is_treated_as_signed_out()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("tamper@example.com", "Tam"));
        var cookie = client.Cookies.GetAllCookies().Single(c => c.Name == "showgeo.auth");
        var chars = cookie.Value.ToCharArray();
        var middle = chars.Length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        cookie.Value = new string(chars);

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Null(home.Document.QuerySelector("[data-testid=user-name]"));

        using var manage = await client.Http.GetAsync("/account/manage");
        Assert.True(manage.IsRedirect());
        Assert.StartsWith("/account/login", manage.Headers.Location!.IsAbsoluteUri ? manage.Headers.Location.AbsolutePath : manage.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task Google_button_is_absent_when_google_is_not_configured()
    {
        using var client = app.CreateClient();
        var login = await client.GetAsync("/account/login");
        var register = await client.GetAsync("/account/register");

        Assert.NotNull(login.Document.QuerySelector("form#login-form"));
        Assert.DoesNotContain("Continue with Google", login.Text);
        Assert.DoesNotContain("Continue with Google", register.Text);
    }

    private async Task<Showgeo.Web.Data.AppUser> UserRowAsync(string email)
    {
        await using var db = app.CreateDb();
        return await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class RegisterTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData("Ann", "not-an-email", "long-enough-1", "long-enough-1", "is not a valid e-mail address")]
    [InlineData("Ann", "ann@example.com", "short", "short", "The password must be at least 8 characters.")]
    [InlineData("Ann", "ann@example.com", "long-enough-1", "long-enough-2", "The passwords do not match.")]
    [InlineData("", "ann@example.com", "long-enough-1", "long-enough-1", "The Display name field is required.")]
    public async Task Invalid_registration_shows_the_problem_and_writes_nothing(
        string displayName, string email, string password, string confirm, string expected)
    {
        var usersBefore = await CountUsersAsync();
        using var client = app.CreateClient();
        var form = await client.GetAsync("/account/register");

        var page = await client.SubmitAsync(form.Document, "#register-form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = displayName,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm,
        });

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(expected, page.Document.QuerySelector("#register-form")!.TextContent);
        Assert.Null(page.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal(usersBefore, await CountUsersAsync());
    }

    [Fact]
    public async Task Registering_an_email_that_already_has_an_account_is_refused()
    {
        await app.UserAsync("taken@example.com", "First");
        var usersBefore = await CountUsersAsync();

        using var second = app.CreateClient();
        var page = await second.RegisterAsync("Taken@Example.com", "long-enough-2", "Second");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("An account with this email already exists.", page.Text);
        Assert.Null(page.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal(usersBefore, await CountUsersAsync());
    }

    [Fact]
    public async Task Htmx_registration_with_errors_returns_the_form_fragment()
    {
        using var client = app.CreateClient();
        var form = await client.GetAsync("/account/register");

        using var response = await client.SubmitRawAsync(form.Document, "#register-form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Hal",
            ["Input.Email"] = "hal@example.com",
            ["Input.Password"] = "long-enough-1",
            ["Input.ConfirmPassword"] = "different-one",
        }, htmx: true);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("The passwords do not match.", Showgeo.Web.Tests.Infrastructure.WebClient.Parse(html).QuerySelector("form#register-form")!.TextContent);
        Assert.Equal(0, await CountUsersAsync("hal@example.com"));
    }

    [Fact]
    public async Task Register_post_without_antiforgery_token_is_rejected_and_writes_nothing()
    {
        var usersBefore = await CountUsersAsync();
        using var client = app.CreateClient();
        await client.GetAsync("/account/register");

        using var response = await client.Http.PostAsync("/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Forged",
            ["Input.Email"] = "forged@example.com",
            ["Input.Password"] = "long-enough-1",
            ["Input.ConfirmPassword"] = "long-enough-1",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(usersBefore, await CountUsersAsync());
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "showgeo.auth");
    }

    private async Task<int> CountUsersAsync(string? email = null)
    {
        await using var db = app.CreateDb();
        return email is null
            ? await db.Users.CountAsync()
            : await db.Users.CountAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
    }
}

using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Google;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Account;

/// <summary>The app with Google sign-in pointed at <see cref="FakeGoogle"/>.</summary>
public sealed class GoogleApp : ShowgeoApp
{
    public FakeGoogle Google { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        // Started before the app's host is built, so the two hosts never start at the same time.
        Google = await FakeGoogle.StartAsync();
        settings["Google:ClientId"] = FakeGoogle.ClientId;
        settings["Google:ClientSecret"] = FakeGoogle.ClientSecret;
        settings["Google:AuthorizationEndpoint"] = new Uri(Google.BaseAddress, "/authorize").ToString();
        settings["Google:TokenEndpoint"] = new Uri(Google.BaseAddress, "/token").ToString();
        settings["Google:UserInformationEndpoint"] = new Uri(Google.BaseAddress, "/userinfo").ToString();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Google.DisposeAsync();
    }
}

public sealed class GoogleSignInTests(GoogleApp app) : IClassFixture<GoogleApp>
{
    private FakeGoogle Google => app.Google;

    [Fact]
    public async Task Sign_in_and_register_pages_offer_continue_with_google()
    {
        using var client = app.CreateClient();
        foreach (var url in new[] { "/account/login", "/account/register" })
        {
            var page = await client.GetAsync(url);
            var button = page.Document.QuerySelector("form.external-logins button[name=provider][value=Google]");
            Assert.Equal("Continue with Google", button?.TextContent.Trim());
            Assert.Equal("post", page.Document.QuerySelector("form.external-logins")!.GetAttribute("method"));
        }
    }

    [Fact]
    public async Task First_google_sign_in_creates_the_account_and_signs_in()
    {
        Google.NextUser = new("g-sub-new-1", "Gina Google", "gina@gmail.example", EmailVerified: true);
        using var client = app.CreateClient();

        var page = await SignInWithGoogleAsync(client);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Empty(Google.Rejections);
        Assert.Equal("/", page.Path);
        Assert.Equal("Gina Google", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        await using var db = app.CreateDb();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == "GINA@GMAIL.EXAMPLE");
        Assert.True(user.EmailConfirmed);
        Assert.Null(user.PasswordHash);
        var login = await db.UserLogins.AsNoTracking().SingleAsync(l => l.ProviderKey == "g-sub-new-1");
        Assert.Equal(("Google", user.Id), (login.LoginProvider, login.UserId));

        var authorization = Google.Authorizations.Last();
        Assert.Equal(FakeGoogle.ClientId, authorization.ClientId);
        Assert.Equal(new Uri(app.BaseAddress, "/signin-google").ToString(), authorization.RedirectUri);
        Assert.Equal("S256", authorization.CodeChallengeMethod);
        Assert.Equal(["email", "openid", "profile"], authorization.Scope.Split(' ').Order());
        Assert.Equal("select_account", authorization.Prompt);
        Assert.NotEmpty(authorization.State);
    }

    [Fact]
    public async Task Returning_google_user_signs_into_the_same_account_without_new_rows()
    {
        Google.NextUser = new("g-sub-return-1", "Rita Return", "rita@gmail.example", EmailVerified: true);
        using (var first = app.CreateClient()) await SignInWithGoogleAsync(first);
        var (users, logins) = await CountsAsync();
        var userId = await UserIdAsync("rita@gmail.example");

        using var second = app.CreateClient();
        var page = await SignInWithGoogleAsync(second);

        Assert.Equal("Rita Return", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        Assert.Equal((users, logins), await CountsAsync());
        await using var db = app.CreateDb();
        Assert.Equal(userId, (await db.UserLogins.AsNoTracking().SingleAsync(l => l.ProviderKey == "g-sub-return-1")).UserId);
    }

    [Fact]
    public async Task Verified_google_email_of_a_confirmed_local_account_is_linked_to_that_account()
    {
        await app.UserAsync("linda@example.com", "Linda Local", emailConfirmed: true);
        var userId = await UserIdAsync("linda@example.com");
        var (users, logins) = await CountsAsync();
        Google.NextUser = new("g-sub-linda", "Linda On Google", "linda@example.com", EmailVerified: true);

        using var client = app.CreateClient();
        var page = await SignInWithGoogleAsync(client);

        Assert.Equal("Linda Local", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        Assert.Equal((users, logins + 1), await CountsAsync());
        await using var db = app.CreateDb();
        Assert.Equal(userId, (await db.UserLogins.AsNoTracking().SingleAsync(l => l.ProviderKey == "g-sub-linda")).UserId);
        // The password still works too.
        using var withPassword = app.CreateClient();
        Assert.Equal("Linda Local", (await withPassword.SignInAsync("linda@example.com", Arrange.Password))
            .Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task Unverified_google_email_matching_a_local_account_is_refused()
    {
        await app.UserAsync("uma@example.com", "Uma Local");
        var (users, logins) = await CountsAsync();
        Google.NextUser = new("g-sub-uma", "Someone Else", "uma@example.com", EmailVerified: false);

        using var client = app.CreateClient();
        var page = await SignInWithGoogleAsync(client);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("Google has not verified the address", page.Text);
        Assert.Null(page.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal((users, logins), await CountsAsync());
        var home = await client.GetAsync("/");
        Assert.Null(home.Document.QuerySelector("[data-testid=user-name]"));
    }

    [Fact]
    public async Task Cancelled_google_sign_in_returns_to_sign_in_with_a_clear_message()
    {
        Google.RefuseNext = true;
        var (users, logins) = await CountsAsync();
        using var client = app.CreateClient();

        var page = await SignInWithGoogleAsync(client);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("/account/login", page.Path);
        Assert.Contains("Google sign-in did not complete", page.Text);
        Assert.NotNull(page.Document.QuerySelector("form#login-form"));
        Assert.Null(page.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal((users, logins), await CountsAsync());
    }

    [Fact]
    public async Task Tampered_state_on_the_callback_is_refused()
    {
        Google.NextUser = new("g-sub-state", "Stan State", "stan@gmail.example", EmailVerified: true);
        using var client = app.CreateClient();
        var login = await client.GetAsync("/account/login");
        using var challenge = await client.SubmitRawAsync(login.Document, "form.external-logins", submitName: "provider", submitValue: "Google");
        using var fromGoogle = await client.Http.GetAsync(challenge.Headers.Location);
        var callback = fromGoogle.Headers.Location!.ToString();
        var forged = callback.Replace("state=", "state=x", StringComparison.Ordinal);

        var page = await client.FollowAsync(await client.Http.GetAsync(forged));

        Assert.Equal("/account/login", page.Path);
        Assert.Contains("Google sign-in did not complete", page.Text);
        await using var db = app.CreateDb();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "STAN@GMAIL.EXAMPLE"));
    }

    [Fact]
    public async Task Google_sign_in_is_served_by_the_google_authentication_package()
    {
        var scheme = await app.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync("Google");

        Assert.Equal(typeof(GoogleHandler), scheme?.HandlerType);
        var options = app.Services.GetRequiredService<IOptionsMonitor<GoogleOptions>>().Get("Google");
        Assert.Equal(CookieSecurePolicy.SameAsRequest, options.CorrelationCookie.SecurePolicy);
        Assert.Equal(SameSiteMode.Lax, options.CorrelationCookie.SameSite);
    }

    [Fact]
    public async Task Account_registered_first_with_the_victims_email_is_not_taken_over_by_her_google_sign_in()
    {
        using var attacker = app.CreateClient();
        var registered = await attacker.RegisterAsync("victim@gmail.example", "attacker-pass-1", "Mallory");
        Assert.Equal("Mallory", registered.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        var (users, logins) = await CountsAsync();
        Google.NextUser = new("g-sub-victim", "Victoria Victim", "victim@gmail.example", EmailVerified: true);

        using var victim = app.CreateClient();
        var page = await SignInWithGoogleAsync(victim);

        Assert.Equal("/account/link-google", page.Path);
        Assert.Contains("has not been confirmed", page.Document.QuerySelector("[data-testid=link-explanation]")?.TextContent);
        Assert.Contains("enter its password", page.Text);
        Assert.Null(page.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal((users, logins), await CountsAsync());
        await using var db = app.CreateDb();
        Assert.False(await db.UserLogins.AnyAsync(l => l.ProviderKey == "g-sub-victim"));
        Assert.False((await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == "VICTIM@GMAIL.EXAMPLE")).EmailConfirmed);
        Assert.Null((await victim.GetAsync("/")).Document.QuerySelector("[data-testid=user-name]"));

        // Guessing wrong links nothing either, and signing in with Google again still does not sign her in.
        var wrong = await victim.SubmitAsync(page.Document, "#link-google-form", new Dictionary<string, string> { ["Input.Password"] = "not-the-password" });
        Assert.Contains("That password is not right", wrong.Text);
        Assert.Null(wrong.Document.QuerySelector("[data-testid=user-name]"));
        var again = await SignInWithGoogleAsync(victim);
        Assert.Equal("/account/link-google", again.Path);
        Assert.Null(again.Document.QuerySelector("[data-testid=user-name]"));
        Assert.Equal((users, logins), await CountsAsync());
    }

    [Fact]
    public async Task Entering_the_local_password_links_google_to_an_unconfirmed_account()
    {
        var local = await app.UserAsync("paula@example.com", "Paula Local");
        var (users, logins) = await CountsAsync();
        Google.NextUser = new("g-sub-paula", "Paula On Google", "paula@example.com", EmailVerified: true);
        using var client = app.CreateClient();
        var ask = await SignInWithGoogleAsync(client);
        Assert.Equal("/account/link-google", ask.Path);

        var page = await client.SubmitAsync(ask.Document, "#link-google-form", new Dictionary<string, string> { ["Input.Password"] = Arrange.Password });

        Assert.Equal("/", page.Path);
        Assert.Equal("Paula Local", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        Assert.Equal((users, logins + 1), await CountsAsync());
        await using (var db = app.CreateDb())
        {
            Assert.Equal(local.Id, (await db.UserLogins.AsNoTracking().SingleAsync(l => l.ProviderKey == "g-sub-paula")).UserId);
            Assert.True((await db.Users.AsNoTracking().SingleAsync(u => u.Id == local.Id)).EmailConfirmed);
        }
        using var later = app.CreateClient();
        var next = await SignInWithGoogleAsync(later);
        Assert.Equal("/", next.Path);
        Assert.Equal("Paula Local", next.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task Password_check_when_linking_counts_towards_lockout()
    {
        await app.UserAsync("lara@example.com", "Lara Local");
        Google.NextUser = new("g-sub-lara", "Lara On Google", "lara@example.com", EmailVerified: true);
        using var client = app.CreateClient();
        var page = await SignInWithGoogleAsync(client);
        for (var i = 0; i < 5; i++)
            page = await client.SubmitAsync(page.Document, "#link-google-form", new Dictionary<string, string> { ["Input.Password"] = "wrong-password-" + i });

        var right = await client.SubmitAsync(page.Document, "#link-google-form", new Dictionary<string, string> { ["Input.Password"] = Arrange.Password });

        Assert.Equal(HttpStatusCode.BadRequest, right.Status);
        Assert.Contains("locked", right.Text);
        Assert.Null(right.Document.QuerySelector("[data-testid=user-name]"));
        await using var db = app.CreateDb();
        Assert.False(await db.UserLogins.AnyAsync(l => l.ProviderKey == "g-sub-lara"));
    }

    [Fact]
    public async Task After_confirming_the_mailed_link_google_sign_in_links_to_the_registered_account()
    {
        using var owner = app.CreateClient();
        await owner.RegisterAsync("cora@gmail.example", "cora-pass-1", "Cora Confirmed");
        var mail = app.Services.GetRequiredService<InMemoryEmailSender>().Sent.First(m => m.To == "cora@gmail.example");
        var link = new Uri(WebClient.Parse(mail.HtmlBody).QuerySelector("a")!.GetAttribute("href")!);
        Assert.Equal("/account/confirm-email", link.AbsolutePath);
        var confirmed = await owner.GetAsync(link.PathAndQuery);
        Assert.NotNull(confirmed.Document.QuerySelector("[data-testid=email-confirmed]"));
        Google.NextUser = new("g-sub-cora", "Cora On Google", "cora@gmail.example", EmailVerified: true);

        using var client = app.CreateClient();
        var page = await SignInWithGoogleAsync(client);

        Assert.Equal("/", page.Path);
        Assert.Equal("Cora Confirmed", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        await using var db = app.CreateDb();
        Assert.True(await db.UserLogins.AnyAsync(l => l.ProviderKey == "g-sub-cora"));
    }

    [Fact]
    public async Task Link_page_without_a_pending_google_sign_in_goes_back_to_sign_in()
    {
        using var client = app.CreateClient();

        var page = await client.GetAsync("/account/link-google");

        Assert.Equal("/account/login", page.Path);
        Assert.Null(page.Document.QuerySelector("#link-google-form"));
    }

    private static async Task<Page> SignInWithGoogleAsync(WebClient client)
    {
        var login = await client.GetAsync("/account/login");
        return await client.SubmitAsync(login.Document, "form.external-logins", submitName: "provider", submitValue: "Google");
    }

    private async Task<(int Users, int Logins)> CountsAsync()
    {
        await using var db = app.CreateDb();
        return (await db.Users.CountAsync(), await db.UserLogins.CountAsync());
    }

    private async Task<Guid> UserIdAsync(string email)
    {
        await using var db = app.CreateDb();
        return await db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.Id).SingleAsync();
    }
}

public sealed class GoogleSignInOptionsTests
{
    [Theory]
    [InlineData("id.apps.googleusercontent.com", null, "Google:ClientSecret")]
    [InlineData(null, "secret", "Google:ClientId")]
    [InlineData("id.apps.googleusercontent.com", " ", "Google:ClientSecret")]
    public void Half_a_google_configuration_stops_startup_naming_the_missing_setting(string? id, string? secret, string missing)
    {
        var ex = Assert.Throws<RequiredSettingException>(() => new GoogleSignInOptions { ClientId = id, ClientSecret = secret }.Validate());
        Assert.Equal(missing, ex.Setting);
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("", "", false)]
    [InlineData("id.apps.googleusercontent.com", "secret", true)]
    public void Google_is_offered_only_with_both_keys(string? id, string? secret, bool enabled)
    {
        var options = new GoogleSignInOptions { ClientId = id, ClientSecret = secret };
        options.Validate();
        Assert.Equal(enabled, options.Enabled);
    }
}

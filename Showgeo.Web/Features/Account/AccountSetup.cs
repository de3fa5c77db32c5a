using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Account;

public sealed class GoogleSignInOptions
{
    public const string Section = "Google";
    public const string Scheme = "Google";

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string AuthorizationEndpoint { get; set; } = "https://accounts.google.com/o/oauth2/v2/auth";
    public string TokenEndpoint { get; set; } = "https://oauth2.googleapis.com/token";
    public string UserInformationEndpoint { get; set; } = "https://www.googleapis.com/oauth2/v3/userinfo";

    public bool Enabled => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClientId) != string.IsNullOrWhiteSpace(ClientSecret))
            throw new RequiredSettingException(
                string.IsNullOrWhiteSpace(ClientId) ? "Google:ClientId" : "Google:ClientSecret",
                "is required when the other Google sign-in setting is set.");
    }
}

public static class ShowgeoClaims
{
    public const string DisplayName = "showgeo:display_name";
    public const string GoogleEmailVerified = "urn:google:email_verified";
    public const string GooglePicture = "urn:google:picture";
}

public static class AccountSetup
{
    public static WebApplicationBuilder AddShowgeoIdentity(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddIdentity<AppUser, IdentityRole<Guid>>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<ShowgeoDb>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<ShowgeoClaimsFactory>();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "showgeo.auth";
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            o.Events.OnRedirectToLogin = ctx => HtmxAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => HtmxAwareRedirect(ctx, StatusCodes.Status403Forbidden);
        });

        var google = builder.Configuration.GetSection(GoogleSignInOptions.Section).Get<GoogleSignInOptions>() ?? new();
        google.Validate();
        builder.Services.AddSingleton(Options.Create(google));
        if (google.Enabled)
            builder.Services.AddAuthentication().AddOAuth(GoogleSignInOptions.Scheme, "Google", o => ConfigureGoogle(o, google));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        return builder;
    }

    private static Task HtmxAwareRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        // htmx cannot follow a 302 into a full page; tell it to navigate instead.
        if (ctx.Request.IsHtmx())
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Htmx(h => h.Redirect(ctx.RedirectUri));
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }

    private static void ConfigureGoogle(Microsoft.AspNetCore.Authentication.OAuth.OAuthOptions o, GoogleSignInOptions google)
    {
        o.ClientId = google.ClientId!;
        o.ClientSecret = google.ClientSecret!;
        o.CallbackPath = "/signin-google";
        o.AuthorizationEndpoint = google.AuthorizationEndpoint;
        o.TokenEndpoint = google.TokenEndpoint;
        o.UserInformationEndpoint = google.UserInformationEndpoint;
        o.UsePkce = true;
        // The default correlation cookie is SameSite=None + always Secure, which plain-http runs (local dev, tests)
        // never send back. Google returns with a top-level GET, so Lax is enough; behind Render's TLS proxy the
        // forwarded https scheme still makes the cookie Secure.
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.Scope.Add("email");
        o.SignInScheme = IdentityConstants.ExternalScheme;
        o.AdditionalAuthorizationParameters["prompt"] = "select_account";
        o.ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "sub");
        o.ClaimActions.MapJsonKey(ClaimTypes.Name, "name");
        o.ClaimActions.MapJsonKey(ClaimTypes.GivenName, "given_name");
        o.ClaimActions.MapJsonKey(ClaimTypes.Surname, "family_name");
        o.ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
        o.ClaimActions.MapJsonKey(ShowgeoClaims.GooglePicture, "picture");
        o.ClaimActions.MapJsonKey(ShowgeoClaims.GoogleEmailVerified, "email_verified");
        o.Events.OnCreatingTicket = async ctx =>
        {
            // The generic OAuth handler never calls userinfo itself.
            using var request = new HttpRequestMessage(HttpMethod.Get, ctx.Options.UserInformationEndpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ctx.AccessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await ctx.Backchannel.SendAsync(request, ctx.HttpContext.RequestAborted);
            response.EnsureSuccessStatusCode();
            using var user = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ctx.HttpContext.RequestAborted));
            ctx.RunClaimActions(user.RootElement);
        };
        o.Events.OnRemoteFailure = ctx =>
        {
            ctx.Response.Redirect("/account/login?external=failed");
            ctx.HandleResponse();
            return Task.CompletedTask;
        };
    }
}

public static class Policies
{
    public const string Admin = "Admin";
}

internal sealed class ShowgeoClaimsFactory(
    UserManager<AppUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ShowgeoClaims.DisplayName, user.DisplayName));
        return identity;
    }
}

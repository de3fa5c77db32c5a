using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Google;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <summary>Overrides of Google's endpoints (the fake Google in tests); unset keeps the package's defaults.</summary>
    public string? AuthorizationEndpoint { get; set; }
    public string? TokenEndpoint { get; set; }
    public string? UserInformationEndpoint { get; set; }

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
    /// <summary>The account's Identity concurrency stamp when the cookie was made; see <see cref="DeferredSecurityStampValidator"/>.</summary>
    public const string UserVersion = "showgeo:user_version";
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
            .AddSignInManager<ShowgeoSignInManager>()
            .AddClaimsPrincipalFactory<ShowgeoClaimsFactory>();

        // Every signed-in request re-checks the cookie's security stamp at most this long after the last check, so a
        // suspension (which renews the stamp) signs the account out everywhere within a minute.
        // https://learn.microsoft.com/aspnet/core/security/authentication/identity-configuration#isecuritystampvalidator-and-signout-everywhere
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        builder.Services.AddScoped<SecurityStampValidator<AppUser>>();
        builder.Services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, DeferredSecurityStampValidator>());

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

        builder.AddShowgeoEmail();

        var google = builder.Configuration.GetSection(GoogleSignInOptions.Section).Get<GoogleSignInOptions>() ?? new();
        google.Validate();
        builder.Services.AddSingleton(Options.Create(google));
        if (google.Enabled)
            builder.Services.AddAuthentication().AddGoogle(GoogleSignInOptions.Scheme, "Google", o => ConfigureGoogle(o, google));

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

    private static void ConfigureGoogle(GoogleOptions o, GoogleSignInOptions google)
    {
        // GoogleOptions already sets /signin-google, PKCE, the openid/profile/email scopes, the v3 userinfo call and
        // the sub/name/email claims; only what Showgeo needs beyond those is set here.
        o.ClientId = google.ClientId!;
        o.ClientSecret = google.ClientSecret!;
        if (!string.IsNullOrWhiteSpace(google.AuthorizationEndpoint)) o.AuthorizationEndpoint = google.AuthorizationEndpoint;
        if (!string.IsNullOrWhiteSpace(google.TokenEndpoint)) o.TokenEndpoint = google.TokenEndpoint;
        if (!string.IsNullOrWhiteSpace(google.UserInformationEndpoint)) o.UserInformationEndpoint = google.UserInformationEndpoint;
        // The default correlation cookie is SameSite=None + always Secure, which plain-http runs (local dev, tests)
        // never send back. Google returns with a top-level GET, so Lax is enough; behind Render's TLS proxy the
        // forwarded https scheme still makes the cookie Secure.
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.SignInScheme = IdentityConstants.ExternalScheme;
        o.AdditionalAuthorizationParameters["prompt"] = "select_account";
        // Not mapped by default. ExternalLogin links an existing account only when Google has verified the address
        // (and the local account's address is confirmed too, or its password is entered).
        o.ClaimActions.MapJsonKey(ShowgeoClaims.GoogleEmailVerified, "email_verified");
        o.ClaimActions.MapJsonKey(ShowgeoClaims.GooglePicture, "picture");
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
        if (user.ConcurrencyStamp is { } version) identity.AddClaim(new Claim(ShowgeoClaims.UserVersion, version));
        return identity;
    }
}

using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Tests.Features.Admin;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Account;

/// <summary>The app with a movable stamp clock, counting how often Identity's own stamp validator runs.</summary>
public sealed class StampCheckApp : ShowgeoApp
{
    public UserModerationApp.ShiftedClock StampClock { get; } = new();
    public int IdentityChecks => _identityChecks;
    private int _identityChecks;

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(s =>
        {
            s.PostConfigure<SecurityStampValidatorOptions>(o => o.TimeProvider = StampClock);
            s.AddScoped<SecurityStampValidator<AppUser>>(sp => new Counting(this,
                sp.GetRequiredService<IOptions<SecurityStampValidatorOptions>>(), sp.GetRequiredService<SignInManager<AppUser>>(),
                sp.GetRequiredService<ILoggerFactory>()));
        });

    private sealed class Counting(StampCheckApp app, IOptions<SecurityStampValidatorOptions> options, SignInManager<AppUser> signIn, ILoggerFactory logs)
        : SecurityStampValidator<AppUser>(options, signIn, logs)
    {
        public override Task ValidateAsync(CookieValidatePrincipalContext context)
        {
            Interlocked.Increment(ref app._identityChecks);
            return base.ValidateAsync(context);
        }
    }
}

/// <summary>
/// A due stamp check of an unchanged account renews the cookie after one query; any change to the account still goes
/// through Identity's validator, which signs out or refreshes as before.
/// </summary>
public sealed class StampCheckTests(StampCheckApp app) : IClassFixture<StampCheckApp>
{
    private static string? ShownName(Page page) => page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim();

    private static bool RenewsCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("showgeo.auth=", StringComparison.Ordinal));

    [Fact]
    public async Task A_due_check_of_an_unchanged_account_renews_the_cookie_without_identitys_validator()
    {
        var (client, _) = await app.SignedInUserAsync("stamp-same@example.com", "Stamp Same");
        Assert.Equal("Stamp Same", ShownName(await client.GetAsync("/")));

        app.StampClock.Advance(TimeSpan.FromSeconds(61));
        var before = app.IdentityChecks;
        using var due = await client.Http.GetAsync("/");
        Assert.True(RenewsCookie(due), "A passing check renews the cookie, so the next check is a minute away.");
        Assert.Equal(before, app.IdentityChecks);

        // The cookie handler stamps the renewed cookie with its own (unshifted) clock, so here every request stays
        // due; each one is still settled without Identity's validator, and the fan stays signed in as themselves.
        Assert.Equal("Stamp Same", ShownName(await client.GetAsync("/")));
        Assert.Equal(before, app.IdentityChecks);
    }

    [Fact]
    public async Task A_changed_stamp_still_signs_the_account_out()
    {
        var (client, user) = await app.SignedInUserAsync("stamp-out@example.com", "Stamp Out");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByIdAsync(user.Id.ToString()))!);
        }
        app.StampClock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(ShownName(await client.GetAsync("/")));
    }

    [Fact]
    public async Task A_role_granted_through_identity_reaches_the_cookie_at_the_next_check()
    {
        var (client, user) = await app.SignedInUserAsync("stamp-role@example.com", "Stamp Role");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, (await client.Http.GetAsync("/admin/users")).StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.AddToRoleAsync((await users.FindByIdAsync(user.Id.ToString()))!, Roles.Admin);
        }
        app.StampClock.Advance(TimeSpan.FromSeconds(61));
        var before = app.IdentityChecks;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.Http.GetAsync("/admin/users")).StatusCode);
        Assert.Equal(before + 1, app.IdentityChecks);
    }

    [Fact]
    public async Task A_display_name_changed_elsewhere_sends_the_next_check_to_identitys_validator()
    {
        var (client, user) = await app.SignedInUserAsync("stamp-name@example.com", "Stamp Name");
        await using (var db = app.CreateDb())
            await db.Set<AppUser>().Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "Renamed Elsewhere"));
        app.StampClock.Advance(TimeSpan.FromSeconds(61));
        var before = app.IdentityChecks;
        Assert.Equal("Renamed Elsewhere", ShownName(await client.GetAsync("/")));
        Assert.Equal(before + 1, app.IdentityChecks);
    }
}

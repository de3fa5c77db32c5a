using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Account;

namespace Showgeo.Web.Tests.Features.Account;

/// <summary>
/// The stamp check is built (SignInManager, UserManager, a DbContext) only when Identity would run it; the sign-out
/// everywhere behaviour itself is proven end to end by the admin suspension tests.
/// </summary>
public sealed class DeferredSecurityStampValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(30, false)]   // checked 30 s ago: not due, nothing built
    [InlineData(61, true)]    // past the one-minute interval: Identity's validator runs
    public async Task The_real_validator_is_resolved_only_once_the_interval_has_passed(int secondsSinceIssued, bool resolved)
    {
        var services = new Recording();
        var validator = new DeferredSecurityStampValidator(Options(), Microsoft.Extensions.Options.Options.Create(new IdentityOptions()), services);
        var context = Context(Now.AddSeconds(-secondsSinceIssued));
        if (resolved) await Assert.ThrowsAsync<ResolvedException>(() => validator.ValidateAsync(context));
        else await validator.ValidateAsync(context);
        Assert.Equal(resolved, services.Asked);
    }

    [Fact]
    public async Task A_cookie_without_an_issue_time_is_always_checked()
    {
        var services = new Recording();
        await Assert.ThrowsAsync<ResolvedException>(() => new DeferredSecurityStampValidator(Options(), Microsoft.Extensions.Options.Options.Create(new IdentityOptions()), services).ValidateAsync(Context(null)));
        Assert.True(services.Asked);
    }

    private static IOptions<SecurityStampValidatorOptions> Options() =>
        Microsoft.Extensions.Options.Options.Create(new SecurityStampValidatorOptions
        {
            ValidationInterval = TimeSpan.FromMinutes(1), TimeProvider = new FixedClock(Now),
        });

    private static CookieValidatePrincipalContext Context(DateTimeOffset? issued)
    {
        var scheme = new AuthenticationScheme(IdentityConstants.ApplicationScheme, null, typeof(CookieAuthenticationHandler));
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity("test")),
            new AuthenticationProperties { IssuedUtc = issued }, scheme.Name);
        return new CookieValidatePrincipalContext(new DefaultHttpContext(), scheme, new CookieAuthenticationOptions(), ticket);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class ResolvedException : Exception;

    /// <summary>Answers every request for Identity's validator by recording it and throwing, so nothing real is built.</summary>
    private sealed class Recording : IServiceProvider
    {
        public bool Asked { get; private set; }

        public object? GetService(Type serviceType)
        {
            if (serviceType != typeof(SecurityStampValidator<AppUser>)) return null;
            Asked = true;
            throw new ResolvedException();
        }
    }
}

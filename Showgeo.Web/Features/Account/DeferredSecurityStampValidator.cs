using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Account;

/// <summary>
/// Identity's security-stamp check, built only when it is due. Identity's validator takes a SignInManager, so every
/// signed-in request otherwise builds a SignInManager, a UserManager and a DbContext in its scope just to find that the
/// cookie was checked less than <see cref="SecurityStampValidatorOptions.ValidationInterval"/> ago; a live stream
/// then holds them for hours. Due means what Identity's own check means (no issue time, or older than the interval),
/// read from the same clock, so the real validator still decides and nothing is checked less often.
/// https://learn.microsoft.com/aspnet/core/security/authentication/identity-configuration#isecuritystampvalidator-and-signout-everywhere
/// </summary>
public sealed class DeferredSecurityStampValidator(IOptions<SecurityStampValidatorOptions> options, IServiceProvider services)
    : ISecurityStampValidator
{
    public Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var issued = context.Properties.IssuedUtc;
        var now = (options.Value.TimeProvider ?? TimeProvider.System).GetUtcNow();
        var due = issued is not { } at || now - at > options.Value.ValidationInterval;
        return due ? services.GetRequiredService<SecurityStampValidator<AppUser>>().ValidateAsync(context) : Task.CompletedTask;
    }
}

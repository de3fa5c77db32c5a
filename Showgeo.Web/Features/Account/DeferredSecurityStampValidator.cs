using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Account;

/// <summary>
/// Identity's security-stamp check, built only when it is due, and settled by one small query when nothing changed.
/// <list type="bullet">
/// <item>Not due (the cookie was checked less than <see cref="SecurityStampValidatorOptions.ValidationInterval"/> ago,
/// read from the same clock as Identity's own check): nothing is built. Identity's validator takes a SignInManager, so
/// otherwise every signed-in request builds a SignInManager, a UserManager and a DbContext just to find that out, and
/// a live stream then holds them for hours.</item>
/// <item>Due, and the account's security stamp, version (<see cref="ShowgeoClaims.UserVersion"/>: Identity's
/// concurrency stamp, renewed by every change through UserManager, roles included) and display name are still what
/// the cookie says: the cookie is renewed as it is, after one query of those three columns. Identity's validator
/// would rebuild the same principal from four or five queries; at a ticket sale's opening second every fan who has
/// waited on the page for more than the interval is due at once.</item>
/// <item>Anything else (a changed stamp, a changed account, an older cookie without the version): Identity's
/// validator decides, signing out or refreshing the principal exactly as it always does.</item>
/// </list>
/// https://learn.microsoft.com/aspnet/core/security/authentication/identity-configuration#isecuritystampvalidator-and-signout-everywhere
/// </summary>
public sealed class DeferredSecurityStampValidator(
    IOptions<SecurityStampValidatorOptions> options, IOptions<IdentityOptions> identity, IServiceProvider services)
    : ISecurityStampValidator
{
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var issued = context.Properties.IssuedUtc;
        var now = (options.Value.TimeProvider ?? TimeProvider.System).GetUtcNow();
        if (issued is { } at && now - at <= options.Value.ValidationInterval) return;

        if (await UnchangedAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            // What Identity's validator does after a passing check, minus rebuilding the principal it would rebuild identically.
            context.Properties.IssuedUtc = now;
            context.ShouldRenew = true;
            return;
        }
        await services.GetRequiredService<SecurityStampValidator<AppUser>>().ValidateAsync(context);
    }

    private async Task<bool> UnchangedAsync(ClaimsPrincipal? principal, CancellationToken ct)
    {
        var claims = identity.Value.ClaimsIdentity;
        if (principal?.FindFirstValue(ShowgeoClaims.UserVersion) is not { } version
            || principal.FindFirstValue(claims.SecurityStampClaimType) is not { } stamp
            || principal.FindFirstValue(ShowgeoClaims.DisplayName) is not { } name
            || !Guid.TryParse(principal.FindFirstValue(claims.UserIdClaimType), out var userId))
            return false;
        var account = await services.GetRequiredService<ShowgeoDb>().Set<AppUser>().AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.SecurityStamp, u.ConcurrencyStamp, u.DisplayName })
            .SingleOrDefaultAsync(ct);
        return account is not null && account.SecurityStamp == stamp && account.ConcurrencyStamp == version && account.DisplayName == name;
    }
}

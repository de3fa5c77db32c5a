using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Account;

/// <summary>Identity's sign-in with one addition: a suspended account cannot sign in, by password or by Google.</summary>
public sealed class ShowgeoSignInManager(
    UserManager<AppUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>The password was right but the account is suspended; the sign-in page says so.</summary>
    public static readonly SignInResult Suspended = new SuspendedResult();

    public override async Task<bool> CanSignInAsync(AppUser user) =>
        user.SuspendedAt is null && await base.CanSignInAsync(user);

    public override async Task<SignInResult> CheckPasswordSignInAsync(AppUser user, string password, bool lockoutOnFailure)
    {
        if (user.SuspendedAt is null) return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        // Only someone who knows the password learns that the account is suspended; a wrong guess still counts
        // towards lockout like any other.
        if (await UserManager.CheckPasswordAsync(user, password)) return Suspended;
        if (lockoutOnFailure) await UserManager.AccessFailedAsync(user);
        return SignInResult.Failed;
    }

    private sealed class SuspendedResult : SignInResult
    {
        public SuspendedResult() => IsNotAllowed = true;
    }
}

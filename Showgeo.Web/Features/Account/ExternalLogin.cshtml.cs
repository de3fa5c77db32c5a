using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Account;

/// <summary>
/// Google sign-in: the POST starts the OAuth challenge; the callback signs in, links by verified email to a local
/// account whose email is confirmed, or creates the account. An unverified Google email, or a local account whose email
/// is unconfirmed, is never linked automatically (that would let anyone take the account over); the second case goes
/// to <see cref="LinkGoogleModel"/>, which links only after the local account's password is entered.
/// </summary>
public sealed class ExternalLoginModel(
    SignInManager<AppUser> signIn, UserManager<AppUser> users, IOptions<GoogleSignInOptions> google,
    TimeProvider clock, ILogger<ExternalLoginModel> log) : PageModel
{
    public string Error { get; private set; } = "";

    public IActionResult OnGet() => RedirectToPage("./Login");

    public IActionResult OnPost(string provider, string? returnUrl)
    {
        if (provider != GoogleSignInOptions.Scheme || !google.Value.Enabled)
        {
            Error = "That sign-in provider is not available.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var redirect = Url.Page("./ExternalLogin", "Callback", new { returnUrl = SafeReturnUrl.Or(Url, returnUrl) });
        return Challenge(signIn.ConfigureExternalAuthenticationProperties(provider, redirect), provider);
    }

    public async Task<IActionResult> OnGetCallbackAsync(string? returnUrl)
    {
        returnUrl = SafeReturnUrl.Or(Url, returnUrl);
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null) return Fail("Google sign-in did not complete. Please try again.");

        var result = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: true);
        if (result.Succeeded) return LocalRedirect(returnUrl);
        if (result.IsLockedOut) return Fail("This account is locked after too many failed attempts. Try again in 15 minutes.");
        if (result.IsNotAllowed) return Fail("This account is not allowed to sign in.");

        var email = info.Principal.FindFirstValue(ClaimTypes.Email);
        var verified = string.Equals(info.Principal.FindFirstValue(ShowgeoClaims.GoogleEmailVerified), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(email))
            return Fail("Google did not share an email address, which Showgeo needs for your account.");

        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (!verified)
                return Fail("An account with this email already exists, and Google has not verified the address. Sign in with your password instead.");
            // Anyone can register a local account with someone else's address. Until that address is confirmed the
            // account proves nothing about who owns it, so linking it would hand the Google user's sign-in to
            // whoever registered it first; the owner of the local account must enter its password instead.
            if (!user.EmailConfirmed)
                return RedirectToPage("./LinkGoogle", new { returnUrl });
            var linked = await users.AddLoginAsync(user, info);
            if (!linked.Succeeded) return Fail("We could not link Google to your account. Please try again.");
            log.LogInformation("Linked Google sign-in to existing account {UserId}", user.Id);
        }
        else
        {
            user = new AppUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = verified,
                DisplayName = Truncate(info.Principal.FindFirstValue(ClaimTypes.Name) ?? email.Split('@')[0], 100),
                CreatedAt = clock.GetUtcNow(),
            };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded) return Fail("We could not create your account from Google. Please try again.");
            var linked = await users.AddLoginAsync(user, info);
            if (!linked.Succeeded)
            {
                await users.DeleteAsync(user);
                return Fail("We could not link Google to your new account. Please try again.");
            }
        }

        await signIn.SignInAsync(user, isPersistent: false, info.LoginProvider);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        return LocalRedirect(returnUrl);
    }

    private IActionResult Fail(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

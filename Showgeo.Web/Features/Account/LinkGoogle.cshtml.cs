using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Account;

/// <summary>
/// A Google sign-in whose verified email matches a local account with an unconfirmed email: link only when the
/// local account's password is entered here (counted towards lockout like any sign-in). The pending Google login
/// lives in the external cookie that the callback left; nothing is linked or signed in until the password checks out.
/// </summary>
public sealed class LinkGoogleModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, ILogger<LinkGoogleModel> log) : PageModel
{
    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string Email { get; private set; } = "";
    public string? Error { get; private set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the password of your Showgeo account."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync()
    {
        var pending = await PendingAsync();
        if (pending is null) return RedirectToPage("./Login", new { external = "failed" });
        Email = pending.Value.User.Email!;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var pending = await PendingAsync();
        if (pending is null) return RedirectToPage("./Login", new { external = "failed" });
        var (info, user) = pending.Value;
        Email = user.Email!;
        if (!ModelState.IsValid) return Page();

        var check = await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
        if (check.IsLockedOut) return Refuse("This account is locked after too many failed attempts. Try again in 15 minutes.");
        if (check.IsNotAllowed) return Refuse("This account is not allowed to sign in.");
        if (!check.Succeeded)
        {
            ModelState.AddModelError("Input.Password", "That password is not right for this account.");
            return Page();
        }

        var linked = await users.AddLoginAsync(user, info);
        if (!linked.Succeeded) return Refuse("We could not link Google to your account. Please try again.");
        // Google verified the address and the password shows this person holds the account: the address is theirs.
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        log.LogInformation("Linked Google sign-in to existing account {UserId} after a password check", user.Id);

        await signIn.SignInAsync(user, isPersistent: false, info.LoginProvider);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        return LocalRedirect(SafeReturnUrl.Or(Url, ReturnUrl));
    }

    /// <summary>The pending Google login and the unconfirmed local account it matches, or null when there is none.</summary>
    private async Task<(ExternalLoginInfo Info, AppUser User)?> PendingAsync()
    {
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null) return null;
        var verified = string.Equals(info.Principal.FindFirstValue(ShowgeoClaims.GoogleEmailVerified), "true", StringComparison.OrdinalIgnoreCase);
        var email = info.Principal.FindFirstValue(ClaimTypes.Email);
        if (!verified || string.IsNullOrWhiteSpace(email)) return null;
        var user = await users.FindByEmailAsync(email);
        return user is null ? null : (info, user);
    }

    private IActionResult Refuse(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}

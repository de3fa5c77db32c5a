using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Account;

[SignInRateLimit]
public sealed class LoginModel(SignInManager<AppUser> signIn) : PageModel
{
    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? ExternalError { get; private set; }

    public sealed class InputModel
    {
        [Required, EmailAddress] public string Email { get; set; } = "";
        [Required] public string Password { get; set; } = "";
        [Display(Name = "Keep me signed in")] public bool RememberMe { get; set; }
    }

    public void OnGet(string? external)
    {
        if (external == "failed")
            ExternalError = "Google sign-in did not complete (it was cancelled or Google refused it). Please try again, or sign in with your password.";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return this.PageOrPartial("_LoginForm");

        var result = await signIn.PasswordSignInAsync(Input.Email.Trim(), Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return this.RedirectAfterPost(SafeReturnUrl.Or(Url, ReturnUrl));

        ModelState.AddModelError(string.Empty, result == ShowgeoSignInManager.Suspended
            ? "This account has been suspended by Showgeo's moderators, so it cannot sign in."
            : result.IsLockedOut
            ? "This account is locked after too many failed attempts. Try again in 15 minutes."
            : result.IsNotAllowed
                ? "This account is not allowed to sign in."
                : "The email or password is not right.");
        Input.Password = "";
        return this.PageOrPartial("_LoginForm");
    }
}

using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Account;

/// <summary>
/// Local registration. The account is signed in at once and a confirmation link is mailed; an unconfirmed account can
/// use Showgeo normally, but a Google sign-in with the same address links to it only after its password is entered.
/// </summary>
[EnableRateLimiting(RateLimits.Register)]
public sealed class RegisterModel(
    UserManager<AppUser> users, SignInManager<AppUser> signIn, IEmailSender email, TimeProvider clock,
    ILogger<RegisterModel> log) : PageModel
{
    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        [Required, StringLength(100, MinimumLength = 1), Display(Name = "Display name")]
        public string DisplayName { get; set; } = "";

        [Required, EmailAddress, StringLength(256)]
        public string Email { get; set; } = "";

        [Required, StringLength(128, MinimumLength = 8, ErrorMessage = "The password must be at least 8 characters.")]
        public string Password { get; set; } = "";

        [Required, Compare(nameof(Password), ErrorMessage = "The passwords do not match."), Display(Name = "Confirm password")]
        public string ConfirmPassword { get; set; } = "";
    }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect("/") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return this.PageOrPartial("_RegisterForm");

        var user = new AppUser
        {
            UserName = Input.Email.Trim(),
            Email = Input.Email.Trim(),
            DisplayName = Input.DisplayName.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        IdentityResult result;
        try
        {
            result = await users.CreateAsync(user, Input.Password);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two sign-ups for one address at the same moment: Identity's duplicate check passed for both.
            result = IdentityResult.Failed(new IdentityError { Code = "DuplicateEmail", Description = "" });
        }
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
                ModelState.AddModelError(error.Code.Contains("Password") ? "Input.Password" : string.Empty,
                    error.Code is "DuplicateUserName" or "DuplicateEmail" ? "An account with this email already exists." : error.Description);
            return this.PageOrPartial("_RegisterForm");
        }
        var sent = await SendConfirmationAsync(user);
        await signIn.SignInAsync(user, isPersistent: false);
        return this.RedirectAfterPost(SafeReturnUrl.Or(Url, ReturnUrl), sent
            ? $"Welcome to Showgeo. We sent a link to {user.Email} to confirm your email address."
            : "Welcome to Showgeo. We could not send the email confirmation link just now.");
    }

    /// <summary>The account exists already, so a mail server that is down must not turn registration into an error.</summary>
    private async Task<bool> SendConfirmationAsync(AppUser user)
    {
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var link = Url.Page("/Account/ConfirmEmail", pageHandler: null,
            values: new { userId = user.Id, code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)) },
            protocol: Request.Scheme)!;
        try
        {
            await email.SendAsync(user.Email!, "Confirm your Showgeo email address",
                $"<p>Hello {HtmlEncoder.Default.Encode(user.DisplayName)},</p>" +
                $"<p>Confirm the email address of your new Showgeo account: <a href=\"{HtmlEncoder.Default.Encode(link)}\">confirm my email</a>.</p>" +
                "<p>If you did not create a Showgeo account, ignore this message.</p>",
                HttpContext.RequestAborted);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Mail.SmtpException or IOException or InvalidOperationException)
        {
            log.LogWarning(ex, "Could not send the email confirmation link to account {UserId}", user.Id);
            return false;
        }
    }
}

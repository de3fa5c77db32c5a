using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Account;

[Authorize]
public sealed class ManageModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    [BindProperty] public InputModel Input { get; set; } = new();
    public string Email { get; private set; } = "";
    public bool HasPassword { get; private set; }
    public bool Saved { get; private set; }

    public sealed class InputModel
    {
        [Display(Name = "Current password")] public string? CurrentPassword { get; set; }

        [Required, StringLength(128, MinimumLength = 8, ErrorMessage = "The new password must be at least 8 characters."), Display(Name = "New password")]
        public string NewPassword { get; set; } = "";

        [Required, Compare(nameof(NewPassword), ErrorMessage = "The new passwords do not match."), Display(Name = "Confirm new password")]
        public string ConfirmPassword { get; set; } = "";
    }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostChangePasswordAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await LoadAsync(user);
        if (HasPassword && string.IsNullOrEmpty(Input.CurrentPassword))
            ModelState.AddModelError("Input.CurrentPassword", "Enter your current password.");
        if (!ModelState.IsValid) return this.PageOrPartial("_ChangePasswordForm");

        var result = HasPassword
            ? await users.ChangePasswordAsync(user, Input.CurrentPassword!, Input.NewPassword)
            : await users.AddPasswordAsync(user, Input.NewPassword);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "PasswordMismatch" ? "Input.CurrentPassword" : string.Empty,
                    e.Code == "PasswordMismatch" ? "The current password is not right." : e.Description);
            return this.PageOrPartial("_ChangePasswordForm");
        }
        await signIn.RefreshSignInAsync(user);
        HasPassword = true;
        Saved = true;
        Input = new();
        ModelState.Clear();
        return this.PageOrPartial("_ChangePasswordForm");
    }

    private async Task LoadAsync(AppUser user)
    {
        Email = user.Email ?? "";
        HasPassword = await users.HasPasswordAsync(user);
    }
}

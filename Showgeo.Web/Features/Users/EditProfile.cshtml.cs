using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Users;

[Authorize]
[EnableRateLimiting(RateLimits.Upload)]
public sealed class EditProfileModel(ShowgeoDb db, UserManager<AppUser> users, SignInManager<AppUser> signIn, AssetService assets) : PageModel
{
    [BindProperty] public InputModel Input { get; set; } = new();
    public Guid? AvatarAssetId { get; private set; }
    public string? Handle { get; private set; }
    public string? ProfileSaved { get; private set; }
    public string? AvatarMessage { get; private set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter a display name."), StringLength(100), Display(Name = "Display name")]
        public string DisplayName { get; set; } = "";

        [StringLength(31)]
        public string? Handle { get; set; }

        [StringLength(2000)]
        public string? Bio { get; set; }

        [StringLength(100)]
        public string? City { get; set; }

        [StringLength(2)]
        public string? Country { get; set; }

        [Display(Name = "Private profile")]
        public bool IsPrivate { get; set; }
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await CurrentUserAsync() is not { } user) return Challenge();
        Load(user);
        Input = new InputModel
        {
            DisplayName = user.DisplayName,
            Handle = user.Handle,
            Bio = user.Bio,
            City = user.City,
            Country = user.Country,
            IsPrivate = user.IsProfilePrivate,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        if (await CurrentUserAsync() is not { } user) return Challenge();
        Load(user);

        var handle = ProfileRules.Normalize(Input.Handle);
        if (handle.Length > 0 && ProfileRules.HandleProblem(handle) is { } problem)
            ModelState.AddModelError("Input.Handle", problem);
        else if (handle.Length > 0 && await db.Set<AppUser>().AnyAsync(u => u.Handle == handle && u.Id != user.Id))
            ModelState.AddModelError("Input.Handle", HandleTaken(handle));
        var country = IsoCountries.Normalize(Input.Country);
        if (country is not null && !IsoCountries.IsValid(country))
            ModelState.AddModelError("Input.Country", IsoCountries.NotACountry(country));
        if (!ModelState.IsValid) return this.PageOrPartial("_ProfileForm");

        user.DisplayName = Input.DisplayName.Trim();
        user.Handle = handle.Length > 0 ? handle : null;
        user.Bio = (Input.Bio ?? "").Trim();
        user.City = string.IsNullOrWhiteSpace(Input.City) ? null : Input.City.Trim();
        user.Country = country;
        user.IsProfilePrivate = Input.IsPrivate;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            // The avatar follows the profile: a private profile's picture is served to its owner only.
            if (user.AvatarAssetId is { } avatarId)
                await db.Set<Asset>().Where(a => a.Id == avatarId)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.IsPrivate, Input.IsPrivate));
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Someone took the handle between the check above and this save.
            ModelState.AddModelError("Input.Handle", HandleTaken(handle));
            return this.PageOrPartial("_ProfileForm");
        }
        await signIn.RefreshSignInAsync(user);

        Load(user);
        ProfileSaved = "Your profile was saved.";
        return this.FragmentOrRedirect("_ProfileForm", Url.Page("/Users/EditProfile")!, ProfileSaved);
    }

    public async Task<IActionResult> OnPostAvatarAsync(IFormFile? avatar)
    {
        if (await CurrentUserAsync() is not { } user) return Challenge();
        Load(user);
        if (avatar is null)
        {
            ModelState.AddModelError("avatar", "Choose an image to upload.");
            return this.PageOrPartial("_AvatarForm");
        }

        var previous = user.AvatarAssetId;
        var result = await assets.UploadAsync(AssetUpload.From(avatar, user.Id, isPrivate: user.IsProfilePrivate),
            AssetService.ImagesOnly, beforeCommit: asset =>
            {
                user.AvatarAssetId = asset.Id;
                return Task.CompletedTask;
            }, HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            ModelState.AddModelError("avatar", result.Error!);
            return this.PageOrPartial("_AvatarForm");
        }
        if (previous is { } old) await assets.DeleteAsync(old);
        return AvatarDone(user, "Your picture was updated.");
    }

    public async Task<IActionResult> OnPostRemoveAvatarAsync()
    {
        if (await CurrentUserAsync() is not { } user) return Challenge();
        if (user.AvatarAssetId is { } old) await assets.DeleteAsync(old);
        user.AvatarAssetId = null;
        return AvatarDone(user, "Your picture was removed.");
    }

    private IActionResult AvatarDone(AppUser user, string message)
    {
        Load(user);
        AvatarMessage = message;
        return this.FragmentOrRedirect("_AvatarForm", Url.Page("/Users/EditProfile")!, message);
    }

    private async Task<AppUser?> CurrentUserAsync()
    {
        var id = users.GetUserId(User);
        return Guid.TryParse(id, out var userId) ? await db.Set<AppUser>().FirstOrDefaultAsync(u => u.Id == userId) : null;
    }

    private void Load(AppUser user)
    {
        AvatarAssetId = user.AvatarAssetId;
        Handle = user.Handle;
    }

    private static string HandleTaken(string handle) => $"The handle \"{handle}\" is already taken; choose another.";
}

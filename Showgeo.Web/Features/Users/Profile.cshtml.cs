using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Users;

public sealed class ProfileModel(ShowgeoDb db) : PageModel
{
    public sealed record View(Guid Id, string DisplayName, string Handle, string Bio, string? City, string? Country, Guid? AvatarAssetId, bool IsPrivate);

    public View Profile { get; private set; } = null!;
    public bool IsOwner { get; private set; }
    /// <summary>False when the profile is private and the viewer is someone else: then only the name is shown.</summary>
    public bool ShowDetails { get; private set; }

    public async Task<IActionResult> OnGetAsync(string handle)
    {
        var normalized = ProfileRules.Normalize(handle);
        var profile = await db.Set<AppUser>().AsNoTracking()
            // A suspended account's profile is hidden as if it did not exist.
            .Where(u => u.Handle == normalized && u.SuspendedAt == null)
            .Select(u => new View(u.Id, u.DisplayName, u.Handle!, u.Bio, u.City, u.Country, u.AvatarAssetId, u.IsProfilePrivate))
            .FirstOrDefaultAsync();
        if (profile is null) return NotFound();

        IsOwner = EntityAccess.UserId(User) == profile.Id;
        ShowDetails = !profile.IsPrivate || IsOwner;
        // Nothing private is even loaded into the page model for other viewers.
        Profile = ShowDetails ? profile : profile with { Handle = normalized, Bio = "", City = null, Country = null, AvatarAssetId = null };
        return Page();
    }
}

using Microsoft.AspNetCore.Identity;

namespace Showgeo.Web.Data;

public sealed class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Public @handle, unique (case-insensitive, stored lower-case); null until the user picks one.</summary>
    public string? Handle { get; set; }
    public string Bio { get; set; } = "";
    public string? City { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }
    public Guid? AvatarAssetId { get; set; }
    /// <summary>A private profile shows only the display name to others.</summary>
    public bool IsProfilePrivate { get; set; }

    /// <summary>Set by an admin: the account cannot sign in and its public profile is hidden until reinstated.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
    public string? SuspensionReason { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
}

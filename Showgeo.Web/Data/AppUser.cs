using Microsoft.AspNetCore.Identity;

namespace Showgeo.Web.Data;

public sealed class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
}

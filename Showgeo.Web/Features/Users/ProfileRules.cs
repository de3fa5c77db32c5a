using System.Text.RegularExpressions;

namespace Showgeo.Web.Features.Users;

/// <summary>What a valid @handle looks like.</summary>
public static partial class ProfileRules
{
    /// <summary>Handles that would collide with site paths or impersonate the platform.</summary>
    private static readonly HashSet<string> Reserved =
    [
        "admin", "administrator", "root", "system", "showgeo", "support", "help", "staff", "moderator", "official",
        "me", "u", "manage", "account", "accounts", "assets", "events", "event", "tours", "tickets", "store", "api",
        "login", "logout", "register", "signin", "signout", "settings", "profile", "error", "healthz", "readyz",
        "null", "undefined", "anonymous", "everyone", "security", "billing", "payments",
    ];

    /// <summary>Trimmed, lower-cased, a leading "@" dropped; empty means "no handle".</summary>
    public static string Normalize(string? handle) => (handle ?? "").Trim().TrimStart('@').ToLowerInvariant();

    /// <summary>Null when <paramref name="normalized"/> is acceptable, otherwise the reason it is not.</summary>
    public static string? HandleProblem(string normalized)
    {
        if (!HandlePattern().IsMatch(normalized))
            return "A handle is 3 to 30 characters: lower-case letters, digits and underscores.";
        if (Reserved.Contains(normalized))
            return $"The handle \"{normalized}\" is reserved; choose another.";
        return null;
    }

    [GeneratedRegex("^[a-z0-9_]{3,30}$")]
    private static partial Regex HandlePattern();
}

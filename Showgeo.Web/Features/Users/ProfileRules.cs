using System.Text.RegularExpressions;

namespace Showgeo.Web.Features.Users;

/// <summary>What a valid @handle and country look like.</summary>
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

    // ISO 3166-1 alpha-2, officially assigned codes.
    private const string CountryCodes =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO " +
        "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR " +
        "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO " +
        "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV " +
        "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    public static readonly IReadOnlySet<string> Countries = CountryCodes.Split(' ').ToHashSet();
}

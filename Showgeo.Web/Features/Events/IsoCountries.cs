namespace Showgeo.Web.Features.Events;

/// <summary>
/// The one country list: the 249 officially assigned ISO 3166-1 alpha-2 codes, used by profiles, entities, events and
/// the viewer's country. Listed here because the app runs with invariant globalization, where <c>RegionInfo</c> cannot
/// validate them.
/// </summary>
public static class IsoCountries
{
    private static readonly HashSet<string> Codes = new(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE
        BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
        CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
        DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
        GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
        ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
        KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
        MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
        NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
        PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
        SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
        TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
        VN VU WF WS YE YT ZA ZM ZW
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>Every code, in alphabetical order (for a form's suggestions).</summary>
    public static readonly IReadOnlyList<string> All = Codes.Order(StringComparer.Ordinal).ToArray();

    /// <summary>True for an upper-case assigned code such as <c>GB</c>; user-assigned codes (XX, T1) are not countries.</summary>
    public static bool IsValid(string? code) => code is { Length: 2 } && Codes.Contains(code);

    /// <summary>Upper-cased and trimmed; null when blank. Check the result with <see cref="IsValid"/>.</summary>
    public static string? Normalize(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();

    /// <summary>What a form says about a country field holding <paramref name="code"/> (already normalized).</summary>
    public static string NotACountry(string code) => $"'{code}' is not a two-letter ISO country code (e.g. GB, DE, US).";
}

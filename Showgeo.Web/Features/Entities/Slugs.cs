using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Microsoft.EntityFrameworkCore;

namespace Showgeo.Web.Features.Entities;

/// <summary>
/// The one slug rule for entities, tours and events: how an address is made from a name, what a valid one looks like,
/// and how a made one steps aside ("-2", "-3"…) when it is taken.
/// </summary>
public static partial class Slugs
{
    public const string Pattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    [GeneratedRegex(Pattern)]
    private static partial Regex ValidRegex();

    public static bool IsValid(string slug) => ValidRegex().IsMatch(slug);

    /// <summary>Lower-case ASCII words joined by hyphens; accents are dropped ("Björk Café" → "bjork-cafe").</summary>
    public static string From(string text, int maxLength)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // A name typed in decomposed form ("e" + U+0301) brings its accents as separate marks.
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(lower);
            else if (LatinFolds.TryGetValue(lower, out var plain)) sb.Append(plain);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > maxLength) slug = slug[..maxLength].TrimEnd('-');
        return slug;
    }

    /// <summary>
    /// Accented Latin letters and their plain spelling. Spelled out because the app runs with invariant globalization,
    /// where <see cref="string.Normalize()"/> leaves "ö" whole instead of splitting off its accent
    /// (https://learn.microsoft.com/dotnet/core/runtime-config/globalization#invariant-mode).
    /// </summary>
    private static readonly Dictionary<char, string> LatinFolds = Folds(
        ("àáâãäåāăą", "a"), ("æ", "ae"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
        ("ìíîïĩīĭįıİ", "i"), ("ĳ", "ij"), ("ĵ", "j"), ("ķĸ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉŋ", "n"), ("òóôõöøōŏő", "o"),
        ("œ", "oe"), ("ŕŗř", "r"), ("śŝşšș", "s"), ("ß", "ss"), ("ţťŧț", "t"), ("þ", "th"), ("ùúûüũūŭůűų", "u"),
        ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"));

    private static Dictionary<char, string> Folds(params (string Letters, string Plain)[] groups) =>
        groups.SelectMany(g => g.Letters.Select(letter => (letter, g.Plain))).ToDictionary(x => x.letter, x => x.Plain);

    /// <summary>
    /// <paramref name="wanted"/> if free, else the first free "wanted-2", "wanted-3"… among <paramref name="taken"/>.
    /// Only a starting point: the unique index still decides when two requests race.
    /// </summary>
    public static string FirstFree(string wanted, IReadOnlyCollection<string> taken, int maxLength)
    {
        if (!taken.Contains(wanted)) return wanted;
        for (var n = 2; ; n++)
        {
            var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            var candidate = (wanted.Length + suffix.Length > maxLength ? wanted[..(maxLength - suffix.Length)].TrimEnd('-') : wanted) + suffix;
            if (!taken.Contains(candidate)) return candidate;
        }
    }

    /// <summary>
    /// <see cref="FirstFree(string, IReadOnlyCollection{string}, int)"/> over <paramref name="slugs"/> (the column of the
    /// table the slug is for), reading only the rows that could collide.
    /// </summary>
    public static async Task<string> FirstFreeAsync(IQueryable<string> slugs, string wanted, int maxLength, CancellationToken ct)
    {
        var prefix = wanted + "-";
        var taken = await slugs.Where(s => s == wanted || s.StartsWith(prefix)).ToListAsync(ct);
        return FirstFree(wanted, taken, maxLength);
    }

    public static bool IsUniqueViolation(this DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}

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
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(lower);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > maxLength) slug = slug[..maxLength].TrimEnd('-');
        return slug;
    }

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
            var candidate = (wanted.Length + suffix.Length > maxLength ? wanted[..(maxLength - suffix.Length)] : wanted) + suffix;
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

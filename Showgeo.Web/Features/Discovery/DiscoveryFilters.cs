using System.Globalization;
using System.Text.RegularExpressions;

namespace Showgeo.Web.Features.Discovery;

/// <summary>
/// The /events query string, parsed and checked. Every filter is optional; anything out of range becomes a message for
/// the person, never an exception, and a request with any error runs no search at all.
/// </summary>
public sealed partial class DiscoveryFilters
{
    public const int MaxQueryLength = 200;
    public const int MaxPage = 1000;
    public const int PageSize = 20;
    public const double DefaultRadiusKm = 50;
    public const double MinRadiusKm = 1;
    public const double MaxRadiusKm = 500;

    public string? Q { get; private init; }
    public string? City { get; private init; }
    public string? Genre { get; private init; }
    public string? Entity { get; private init; }
    public DateOnly? From { get; private init; }
    public DateOnly? To { get; private init; }
    public bool NearMe { get; private init; }
    public double? Latitude { get; private init; }
    public double? Longitude { get; private init; }
    public double RadiusKm { get; private init; } = DefaultRadiusKm;
    public bool RadiusGiven { get; private init; }
    public int Page { get; private init; } = 1;
    public IReadOnlyList<string> Errors { get; private init; } = [];

    public bool IsValid => Errors.Count == 0;
    public bool HasPoint => Latitude is not null && Longitude is not null;

    /// <summary>Prefix-matching tsquery over the words of <see cref="Q"/> ("jazz fest" → "jazz:* &amp; fest:*"), or null.</summary>
    public string? TsQuery => Words() is { Count: > 0 } words ? string.Join(" & ", words.Select(w => w + ":*")) : null;

    // Only letters and digits reach to_tsquery, so its operators can never be injected or mis-parsed.
    private List<string> Words() =>
        Q is null ? [] : Word().Matches(Q).Select(m => m.Value.ToLowerInvariant()).Distinct().Take(8).ToList();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>Every query key <see cref="Parse"/> reads: the page cache varies on these and shares no other.</summary>
    public static readonly string[] QueryKeys = ["q", "city", "genre", "entity", "from", "to", "lat", "lng", "radius", "page", "near"];

    public static DiscoveryFilters Parse(IQueryCollection query)
    {
        var errors = new List<string>();

        string? Text(string key, int max, string label)
        {
            var raw = query[key].ToString().Trim();
            if (raw.Length == 0) return null;
            if (raw.Length > max)
            {
                errors.Add($"{label} is too long (at most {max} characters).");
                return null;
            }
            return raw;
        }

        double? Number(string key, double min, double max, string label)
        {
            var raw = query[key].ToString().Trim();
            if (raw.Length == 0) return null;
            if (raw.Length > 32 || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
            {
                errors.Add($"{label} must be a number.");
                return null;
            }
            if (n < min || n > max)
            {
                errors.Add($"{label} must be between {min:0.##} and {max:0.##}.");
                return null;
            }
            return n;
        }

        DateOnly? Date(string key, string label)
        {
            var raw = query[key].ToString().Trim();
            if (raw.Length == 0) return null;
            if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                && d.Year is >= 2000 and <= 2200)
                return d;
            errors.Add($"{label} must be a date like 2026-05-31.");
            return null;
        }

        var q = Text("q", MaxQueryLength, "The search text");
        var city = Text("city", 100, "City");
        var genre = Text("genre", 50, "Genre")?.ToLowerInvariant();
        var entity = Text("entity", 80, "Entity")?.ToLowerInvariant();
        var from = Date("from", "From");
        var to = Date("to", "To");
        if (from is { } f && to is { } t && t < f) errors.Add("The 'to' date is before the 'from' date.");
        var lat = Number("lat", -90, 90, "Latitude");
        var lng = Number("lng", -180, 180, "Longitude");
        if ((lat is null) != (lng is null) && errors.Count == 0) errors.Add("Location needs both latitude and longitude.");
        var radius = Number("radius", MinRadiusKm, MaxRadiusKm, "Radius (km)");
        var page = Infrastructure.QueryPaging.Parse(query["page"], MaxPage);
        if (page is null) errors.Add($"Page must be a whole number from 1 to {MaxPage}.");

        return new DiscoveryFilters
        {
            Q = q, City = city, Genre = genre, Entity = entity, From = from, To = to,
            NearMe = query["near"] == "me",
            Latitude = lat, Longitude = lng,
            RadiusKm = radius ?? DefaultRadiusKm, RadiusGiven = radius is not null,
            Page = page ?? 1,
            Errors = errors,
        };
    }
}

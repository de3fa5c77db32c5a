namespace Showgeo.Web.Features.Events;

/// <summary>The IANA zone ids an organiser can pick, and conversion of the wall-clock times they type into UTC.</summary>
public static class EventTimeZones
{
    private static readonly Lazy<string[]> AllIds = new(() =>
        TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id)
            .Where(id => id.Contains('/') && !id.StartsWith("Etc/", StringComparison.Ordinal))
            .Append("UTC").Distinct().Order(StringComparer.Ordinal).ToArray());

    public static IReadOnlyList<string> Ids => AllIds.Value;

    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        return id is not null && Array.BinarySearch(AllIds.Value, id, StringComparer.Ordinal) >= 0
            && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);
    }

    /// <summary>The value a <c>datetime-local</c> input shows for a UTC instant in the event's zone.</summary>
    public static string ToLocalInput(DateTimeOffset utc, string zoneId)
    {
        var zone = TryFind(zoneId, out var z) ? z : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(utc, zone).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Follow;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Discovery;

/// <summary>
/// /events: upcoming public events, filtered by anything in the query string so every result list is a shareable URL.
/// htmx swaps just #results as the filters change; without JavaScript the form submits as a plain GET.
/// </summary>
[OutputCache(PolicyName = PageCache.DiscoveryPage)]
public sealed class IndexModel(ShowgeoDb db, ViewerFollows follows, TimeProvider clock) : PageModel
{
    private const double EarthRadiusKm = 6371.0088;
    private const double KmPerDegreeLatitude = 111.045;
    private const double Radians = Math.PI / 180;

    public DiscoveryFilters Filters { get; private set; } = null!;
    public IReadOnlyList<EventCard> Results { get; private set; } = [];
    public bool HasNext { get; private set; }
    /// <summary>Says where "near me" measured from, or why it could not.</summary>
    public string? NearNote { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Filters = DiscoveryFilters.Parse(Request.Query);
        PageCache.Tag(HttpContext, PageCacheTags.Listings);
        if (!Filters.IsValid)
        {
            // A full page says 400 honestly; htmx only swaps 2xx, so the enhanced form gets the message with 200.
            if (!Request.WantsFragment()) Response.StatusCode = StatusCodes.Status400BadRequest;
            return this.PageOrPartial("_Results");
        }

        var events = db.Set<Event>().AsNoTracking().Listed().Upcoming(clock.GetUtcNow());
        events = ApplyFilters(events, Filters);
        if (Filters.HasPoint)
        {
            events = Near(events, Filters.Latitude!.Value, Filters.Longitude!.Value, Filters.RadiusKm);
            NearNote = $"Within {Filters.RadiusKm:0.#} km of your location.";
        }
        else if (Filters.NearMe)
        {
            events = await NearProfileCityAsync(events, ct);
        }

        var rows = await EventCard.Project(OnePage(db.Set<Event>().AsNoTracking(), events, Filters)).ToListAsync(ct);
        HasNext = rows.Count > DiscoveryFilters.PageSize;
        Results = await EventCard.WithFollowButtonsAsync(rows.Take(DiscoveryFilters.PageSize).ToList(), follows,
            Request.Path + Request.QueryString, ct);
        return this.PageOrPartial("_Results");
    }

    /// <summary>
    /// One page in date order, plus one row to tell whether another page follows. A text search picks the page's ids
    /// first and only then reads their cards: that inner query touches nothing but what the listed-events date index
    /// carries (migration 0150), so walking it in date order is an index-only scan whatever the search's selectivity,
    /// where reading the cards' columns on the way would visit the table for every event the walk passes. Its words go
    /// into the SQL as a literal (<see cref="SearchWordsInliner"/>), so each search is planned for its own selectivity.
    /// </summary>
    internal static IQueryable<Event> OnePage(IQueryable<Event> all, IQueryable<Event> events, DiscoveryFilters f)
    {
        var page = events.OrderBy(e => e.StartsAt).ThenBy(e => e.Id)
            .Skip((f.Page - 1) * DiscoveryFilters.PageSize)
            .Take(DiscoveryFilters.PageSize + 1);
        if (f.TsQuery is null) return page;
        var ids = page.Select(e => e.Id);
        return all.TagWith(SearchWordsInliner.Tag).Where(e => ids.Contains(e.Id)).OrderBy(e => e.StartsAt).ThenBy(e => e.Id);
    }

    internal static IQueryable<Event> ApplyFilters(IQueryable<Event> events, DiscoveryFilters f)
    {
        if (f.City is { } city)
        {
            var key = city.ToLowerInvariant();
            events = events.Where(e => EF.Property<string>(e, DiscoveryColumns.CityKey) == key);
        }
        if (f.Genre is { } genre) events = events.Where(e => e.Genres.Contains(genre));
        if (f.Entity is { } slug) events = events.Where(e => e.Entity!.Slug == slug);
        // Dates are whole days in UTC; "to" includes its whole day.
        if (f.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.StartsAt >= start);
        }
        if (f.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.StartsAt < end);
        }
        if (f.TsQuery is { } words)
            events = events.Where(e => EF.Property<NpgsqlTsVector>(e, DiscoveryColumns.SearchVector).Matches(EF.Functions.ToTsQuery("simple", words)));
        return events;
    }

    /// <summary>
    /// A bounding box on the indexed latitude/longitude narrows the rows; the haversine distance then keeps the circle.
    /// </summary>
    private static IQueryable<Event> Near(IQueryable<Event> events, double lat, double lng, double radiusKm)
    {
        var dLat = radiusKm / KmPerDegreeLatitude;
        var (minLat, maxLat) = (lat - dLat, lat + dLat);
        events = events.Where(e => e.Latitude >= minLat && e.Latitude <= maxLat);
        var cosLat = Math.Cos(lat * Radians);
        // Near the poles or across the antimeridian a longitude box is not a simple range; the latitude band suffices.
        if (cosLat > 0.01)
        {
            var dLng = radiusKm / (KmPerDegreeLatitude * cosLat);
            var (minLng, maxLng) = (lng - dLng, lng + dLng);
            if (minLng >= -180 && maxLng <= 180)
                events = events.Where(e => e.Longitude >= minLng && e.Longitude <= maxLng);
        }
        var latRad = lat * Radians;
        return events.Where(e => 2 * EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(
            Math.Pow(Math.Sin((e.Latitude!.Value * Radians - latRad) / 2), 2)
            + cosLat * Math.Cos(e.Latitude!.Value * Radians) * Math.Pow(Math.Sin((e.Longitude!.Value - lng) * Radians / 2), 2))))
            <= radiusKm);
    }

    /// <summary>
    /// Without a position from the browser, "near me" starts from the fan's profile city: the middle of the events known
    /// in that city gives a point for the radius; a city with no located events falls back to matching the city name.
    /// </summary>
    private async Task<IQueryable<Event>> NearProfileCityAsync(IQueryable<Event> events, CancellationToken ct)
    {
        var city = follows.ViewerId is { } viewer
            ? await db.Users.AsNoTracking().Where(u => u.Id == viewer).Select(u => u.City).FirstOrDefaultAsync(ct)
            : null;
        if (string.IsNullOrWhiteSpace(city))
        {
            NearNote = follows.ViewerId is null
                ? "Allow location in your browser, or sign in and set your city, to see events near you."
                : "Allow location in your browser, or set your city in your profile, to see events near you.";
            return events;
        }
        var key = city.Trim().ToLowerInvariant();
        var centre = await db.Set<Event>().AsNoTracking()
            .Where(e => EF.Property<string>(e, DiscoveryColumns.CityKey) == key && e.Latitude != null && e.Longitude != null)
            .GroupBy(e => 1)
            .Select(g => new { Lat = g.Average(e => e.Latitude!.Value), Lng = g.Average(e => e.Longitude!.Value) })
            .FirstOrDefaultAsync(ct);
        if (centre is null)
        {
            NearNote = $"Showing events in {city} (your profile city).";
            return events.Where(e => EF.Property<string>(e, DiscoveryColumns.CityKey) == key);
        }
        NearNote = $"Within {Filters.RadiusKm:0.#} km of {city} (your profile city).";
        return Near(events, centre.Lat, centre.Lng, Filters.RadiusKm);
    }
}

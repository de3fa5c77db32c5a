using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Features.Tours;

namespace Showgeo.Web.Features.Events;

/// <summary>What the create and edit pages post. Times are wall-clock times in <see cref="TimeZone"/>.</summary>
public sealed class EventInput
{
    [Required(ErrorMessage = "Give the event a title."), StringLength(200)]
    public string Title { get; set; } = "";

    [StringLength(120), Display(Name = "Address (slug)")]
    public string? Slug { get; set; }

    [StringLength(10000)]
    public string? Description { get; set; }

    [Display(Name = "Prerecorded")]
    public bool IsPrerecorded { get; set; }

    [Display(Name = "Online")]
    public bool IsOnline { get; set; }

    [Display(Name = "Free event (fans RSVP)")]
    public bool IsFree { get; set; }

    [Display(Name = "Viewers must sign in to watch the stream")]
    public bool StreamRequiresSignIn { get; set; }

    [StringLength(200), Display(Name = "Venue")]
    public string? VenueName { get; set; }

    [StringLength(100)]
    public string? City { get; set; }

    [StringLength(2, ErrorMessage = "Use the two-letter country code, e.g. GB.")]
    public string? Country { get; set; }

    [Range(-90.0, 90.0, ErrorMessage = "Latitude must be between -90 and 90.")]
    public double? Latitude { get; set; }

    [Range(-180.0, 180.0, ErrorMessage = "Longitude must be between -180 and 180.")]
    public double? Longitude { get; set; }

    [Required(ErrorMessage = "Pick the event's time zone."), Display(Name = "Time zone")]
    public string TimeZone { get; set; } = "UTC";

    [Required(ErrorMessage = "Enter when the event starts."), Display(Name = "Starts (local time)")]
    public string? StartsLocal { get; set; }

    [Required(ErrorMessage = "Enter when the event ends."), Display(Name = "Ends (local time)")]
    public string? EndsLocal { get; set; }

    [StringLength(500), Display(Name = "Genres (comma-separated)")]
    public string? Genres { get; set; }

    [Display(Name = "Tour")]
    public Guid? TourId { get; set; }

    public EventVisibility Visibility { get; set; } = EventVisibility.Public;

    [Display(Name = "Members of (tier or above)")]
    public Guid? MembersTierId { get; set; }

    [StringLength(1000), Display(Name = "Only available in (country codes, comma-separated; empty = everywhere)")]
    public string? AllowedCountries { get; set; }

    public static EventInput From(Event e) => new()
    {
        Title = e.Title, Slug = e.Slug, Description = e.Description, IsPrerecorded = e.IsPrerecorded, IsOnline = e.IsOnline,
        IsFree = e.IsFree, StreamRequiresSignIn = e.StreamRequiresSignIn, VenueName = e.VenueName, City = e.City, Country = e.Country, Latitude = e.Latitude,
        Longitude = e.Longitude, TimeZone = e.TimeZone, StartsLocal = EventTimeZones.ToLocalInput(e.StartsAt, e.TimeZone),
        EndsLocal = EventTimeZones.ToLocalInput(e.EndsAt, e.TimeZone), Genres = string.Join(", ", e.Genres),
        TourId = e.TourId, Visibility = e.Visibility, MembersTierId = e.MembersTierId, AllowedCountries = string.Join(", ", e.AllowedCountries),
    };
}

public sealed record TourOption(Guid Id, string Name);

public sealed record TierOption(Guid Id, string Name, int Rank);

/// <summary>Validates and applies <see cref="EventInput"/> for the create and edit pages; nothing is written on error.</summary>
public sealed partial class EventEditor(ShowgeoDb db)
{
    public const int MaxGenres = 10;
    public const int MaxGenreLength = 40;
    public const int SlugMinLength = 3;
    public const int SlugMaxLength = 120;
    private const string Prefix = "Input.";

    public Task<List<TourOption>> ToursAsync(Guid entityId, CancellationToken ct) =>
        db.Set<Tour>().AsNoTracking().Where(t => t.EntityId == entityId).OrderBy(t => t.Name)
            .Select(t => new TourOption(t.Id, t.Name)).ToListAsync(ct);

    /// <summary>The entity's tiers a members-only event can require (archived ones too: their members keep access).</summary>
    public Task<List<TierOption>> TiersAsync(Guid entityId, CancellationToken ct) =>
        db.Set<MembershipTier>().AsNoTracking().Where(t => t.EntityId == entityId).OrderBy(t => t.Rank).ThenBy(t => t.Name)
            .Select(t => new TierOption(t.Id, t.Name, t.Rank)).ToListAsync(ct);

    /// <summary>Checks everything the annotations cannot, then copies the values onto <paramref name="target"/>.</summary>
    public async Task<bool> TryApplyAsync(EventInput input, Event target, Guid entityId, ModelStateDictionary errors, CancellationToken ct)
    {
        // An address the organiser typed must be free; one made from the title steps aside like an entity's or a tour's.
        var asked = !string.IsNullOrWhiteSpace(input.Slug);
        var slug = asked ? input.Slug!.Trim().ToLowerInvariant() : Slugs.From(input.Title, SlugMaxLength);
        var otherEvents = db.Set<Event>().Where(e => e.Id != target.Id).Select(e => e.Slug);
        if (slug.Length < SlugMinLength || slug.Length > SlugMaxLength || !Slugs.IsValid(slug))
            errors.AddModelError(Prefix + nameof(input.Slug),
                $"The address may use lower-case letters, digits and single hyphens, {SlugMinLength} to {SlugMaxLength} characters.");
        else if (!asked)
            slug = await Slugs.FirstFreeAsync(otherEvents, slug, SlugMaxLength, ct);
        else if (await otherEvents.AnyAsync(s => s == slug, ct))
            errors.AddModelError(Prefix + nameof(input.Slug), $"The address '{slug}' is already used by another event. Choose another.");

        DateTimeOffset? starts = null, ends = null;
        if (!EventTimeZones.TryFind(input.TimeZone, out var zone))
            errors.AddModelError(Prefix + nameof(input.TimeZone), "Pick a time zone from the list.");
        else
        {
            starts = ParseLocal(input.StartsLocal, zone, nameof(input.StartsLocal), "start", errors);
            ends = ParseLocal(input.EndsLocal, zone, nameof(input.EndsLocal), "end", errors);
            if (starts is { } s && ends is { } e && e <= s)
                errors.AddModelError(Prefix + nameof(input.EndsLocal), "The event must end after it starts.");
        }

        var venue = Clean(input.VenueName);
        var city = Clean(input.City);
        var country = IsoCountries.Normalize(input.Country);
        if (country is not null && !IsoCountries.IsValid(country))
            errors.AddModelError(Prefix + nameof(input.Country), IsoCountries.NotACountry(country));
        if (venue is null && !input.IsOnline)
            errors.AddModelError(Prefix + nameof(input.VenueName), "Give a venue, mark the event as online, or both.");
        if (venue is not null && (city is null || country is null))
            errors.AddModelError(Prefix + nameof(input.City), "An in-person event needs the venue's city and country.");
        if (input.Latitude.HasValue != input.Longitude.HasValue)
            errors.AddModelError(Prefix + nameof(input.Latitude), "Give both latitude and longitude, or neither.");

        var genres = (input.Genres ?? "").Split(',')
            .Select(g => WhiteSpace().Replace(g.Trim().ToLowerInvariant(), " "))
            .Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (genres.Length > MaxGenres)
            errors.AddModelError(Prefix + nameof(input.Genres), $"List at most {MaxGenres} genres.");
        if (genres.Any(g => g.Length > MaxGenreLength))
            errors.AddModelError(Prefix + nameof(input.Genres), $"Each genre can be at most {MaxGenreLength} characters.");

        var allowed = (input.AllowedCountries ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        var unknown = allowed.Where(c => !IsoCountries.IsValid(c)).ToArray();
        if (unknown.Length > 0)
            errors.AddModelError(Prefix + nameof(input.AllowedCountries),
                $"Not two-letter ISO country codes: {string.Join(", ", unknown)}.");

        if (input.TourId is { } tourId && !await db.Set<Tour>().AnyAsync(t => t.Id == tourId && t.EntityId == entityId, ct))
            errors.AddModelError(Prefix + nameof(input.TourId), "Pick one of this entity's tours.");
        if (!Enum.IsDefined(input.Visibility))
            errors.AddModelError(Prefix + nameof(input.Visibility), "Pick who can see the event.");
        if (input.Visibility == EventVisibility.Members
            && !(input.MembersTierId is { } tierId && await db.Set<MembershipTier>().AnyAsync(t => t.Id == tierId && t.EntityId == entityId, ct)))
            errors.AddModelError(Prefix + nameof(input.MembersTierId), "Pick which of this entity's membership tiers (or above) may see the event.");

        if (!errors.IsValid) return false;

        target.Title = input.Title.Trim();
        target.Slug = slug;
        target.Description = input.Description?.Trim() ?? "";
        target.IsPrerecorded = input.IsPrerecorded;
        target.IsOnline = input.IsOnline;
        target.IsFree = input.IsFree;
        target.StreamRequiresSignIn = input.StreamRequiresSignIn;
        target.VenueName = venue;
        target.City = city;
        target.Country = country;
        target.Latitude = input.Latitude;
        target.Longitude = input.Longitude;
        target.TimeZone = zone.Id == TimeZoneInfo.Utc.Id ? "UTC" : input.TimeZone;
        target.StartsAt = starts!.Value;
        target.EndsAt = ends!.Value;
        target.Genres = genres;
        target.TourId = input.TourId;
        target.Visibility = input.Visibility;
        target.MembersTierId = input.Visibility == EventVisibility.Members ? input.MembersTierId : null;
        target.AllowedCountries = allowed;
        return true;
    }

    /// <summary>Saves, turning a slug taken by a concurrent save into the same message the pre-check gives.</summary>
    public async Task<bool> TrySaveAsync(ModelStateDictionary errors, string slug, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_events_slug" })
        {
            errors.AddModelError(Prefix + nameof(EventInput.Slug), $"The address '{slug}' is already used by another event. Choose another.");
            return false;
        }
    }

    private static DateTimeOffset? ParseLocal(string? value, TimeZoneInfo zone, string field, string what, ModelStateDictionary errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null; // [Required] already reported it
        if (!DateTime.TryParseExact(value.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            errors.AddModelError(Prefix + field, $"Enter the {what} as a date and time, e.g. 2030-06-21T19:30.");
            return null;
        }
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            errors.AddModelError(Prefix + field, $"{local:yyyy-MM-dd HH:mm} does not exist in {zone.Id} (the clocks skip it). Pick another {what} time.");
            return null;
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}

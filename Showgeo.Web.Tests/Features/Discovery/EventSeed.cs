using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Discovery;

/// <summary>Rows for discovery and follow tests, written straight to the class's own database.</summary>
public static class EventSeed
{
    public static async Task<Entity> EntityAsync(ShowgeoApp app, string slug, string name, string[]? genres = null,
        bool suspended = false, string? city = null)
    {
        var entity = new Entity
        {
            Id = Guid.NewGuid(), Slug = slug, Name = name, Kind = EntityKind.Artist, Bio = $"{name} plays live.",
            Genres = genres ?? ["rock"], Links = ["https://example.com/" + slug], City = city,
            SuspendedAt = suspended ? DateTimeOffset.UtcNow : null, SuspensionReason = suspended ? "Test" : null,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = app.CreateDb();
        db.Add(entity);
        await db.SaveChangesAsync();
        return entity;
    }

    public static async Task<Event> EventAsync(ShowgeoApp app, Entity entity, string slug, string title, DateTimeOffset startsAt,
        string? city = null, double? lat = null, double? lng = null, string[]? genres = null, string? venue = null,
        EventVisibility visibility = EventVisibility.Public, EventPhase phase = EventPhase.Pre, TimeSpan? length = null)
    {
        var ev = new Event
        {
            Id = Guid.NewGuid(), EntityId = entity.Id, Slug = slug, Title = title, Description = "",
            StartsAt = startsAt, EndsAt = startsAt + (length ?? TimeSpan.FromHours(3)), TimeZone = "UTC",
            VenueName = venue, City = city, Country = city is null ? null : "GB", Latitude = lat, Longitude = lng,
            Genres = genres ?? ["rock"], Visibility = visibility, Phase = phase, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = app.CreateDb();
        db.Add(ev);
        await db.SaveChangesAsync();
        return ev;
    }

    public static DateTimeOffset DaysFromNow(int days) =>
        new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(days).AddHours(20);
}

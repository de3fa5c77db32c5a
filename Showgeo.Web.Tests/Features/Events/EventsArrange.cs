using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Events;

/// <summary>Rows and signed-in clients the event tests start from.</summary>
internal static class EventsArrange
{
    public const string Password = "correct-horse-9";

    /// <summary>Registers a new account through the real form; the client stays signed in.</summary>
    public static async Task<(WebClient Client, Guid UserId)> SignedInUserAsync(ShowgeoApp app, string name)
    {
        var client = app.CreateClient();
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid():N}@example.com";
        var page = await client.RegisterAsync(email, Password, name);
        Assert.NotNull(page.Document.QuerySelector("[data-testid=user-name]"));
        await using var db = app.CreateDb();
        var id = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        return (client, id);
    }

    public static async Task<Entity> EntityAsync(ShowgeoApp app, params (Guid UserId, EntityRole Role)[] members)
    {
        await using var db = app.CreateDb();
        var entity = new Entity
        {
            Id = Guid.NewGuid(), Slug = "ent-" + Guid.NewGuid().ToString("N")[..10], Name = "Test Entity",
            Kind = EntityKind.Artist, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(entity);
        foreach (var (userId, role) in members)
            db.Add(new EntityMember { EntityId = entity.Id, UserId = userId, Role = role, AddedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return entity;
    }

    public static async Task<Event> EventAsync(ShowgeoApp app, Guid entityId, EventPhase phase = EventPhase.Pre,
        bool isFree = false, EventVisibility visibility = EventVisibility.Public, string[]? allowedCountries = null)
    {
        await using var db = app.CreateDb();
        var start = new DateTimeOffset(2030, 6, 1, 18, 0, 0, TimeSpan.Zero);
        var e = new Event
        {
            Id = Guid.NewGuid(), EntityId = entityId, Slug = "ev-" + Guid.NewGuid().ToString("N")[..12],
            Title = "Test Night", Description = "Secret description text", StartsAt = start, EndsAt = start.AddHours(3),
            TimeZone = "Europe/London", VenueName = "The Hall", City = "Leeds", Country = "GB", Phase = phase,
            IsFree = isFree, Visibility = visibility, AllowedCountries = allowedCountries ?? [], CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(e);
        await db.SaveChangesAsync();
        return e;
    }

    public static async Task<EventPhase> PhaseAsync(ShowgeoApp app, Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Event>().Where(e => e.Id == eventId).Select(e => e.Phase).SingleAsync();
    }

    public static async Task<int> HistoryCountAsync(ShowgeoApp app, Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<EventPhaseChange>().CountAsync(c => c.EventId == eventId);
    }

    public static string EditUrl(Entity entity, Event e) => $"/manage/{entity.Slug}/events/{e.Id}/edit";
}

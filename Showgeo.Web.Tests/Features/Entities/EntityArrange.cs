using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Entities;

/// <summary>Arranges users, entities, tours and events directly in the app's database.</summary>
public static class EntityArrange
{
    public const string Password = "correct-horse-9";

    public static Task<Guid> UserAsync(this ShowgeoApp app, string email, string displayName, string? handle = null, bool admin = false) =>
        app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser
            {
                Id = Guid.CreateVersion7(), UserName = email, Email = email, DisplayName = displayName, Handle = handle,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            var created = await users.CreateAsync(user, Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            if (admin) Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
            return user.Id;
        });

    public static async Task<Guid> EntityAsync(this ShowgeoApp app, string slug, params (Guid UserId, EntityRole Role)[] members)
    {
        await using var db = app.CreateDb();
        var entity = new Entity
        {
            Id = Guid.CreateVersion7(), Slug = slug, Name = $"Entity {slug}", Kind = EntityKind.Artist, CreatedAt = DateTimeOffset.UtcNow,
        };
        foreach (var (userId, role) in members)
            entity.Members.Add(new EntityMember { UserId = userId, Role = role, AddedAt = DateTimeOffset.UtcNow });
        db.Add(entity);
        await db.SaveChangesAsync();
        return entity.Id;
    }

    public static async Task<Guid> TourAsync(this ShowgeoApp app, Guid entityId, string slug, string name)
    {
        await using var db = app.CreateDb();
        var tour = new Tour { Id = Guid.CreateVersion7(), EntityId = entityId, Slug = slug, Name = name, Description = "", CreatedAt = DateTimeOffset.UtcNow };
        db.Add(tour);
        await db.SaveChangesAsync();
        return tour.Id;
    }

    public static async Task<Guid> EventAsync(this ShowgeoApp app, Guid entityId, string slug, DateTimeOffset startsAt,
        Guid? tourId = null, EventPhase phase = EventPhase.Pre)
    {
        await using var db = app.CreateDb();
        var ev = new Event
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, TourId = tourId, Slug = slug, Title = $"Show {slug}", Description = "",
            StartsAt = startsAt, EndsAt = startsAt.AddHours(3), TimeZone = "UTC", City = "Leeds", Country = "GB",
            Visibility = EventVisibility.Public, Phase = phase, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(ev);
        await db.SaveChangesAsync();
        return ev.Id;
    }

    /// <summary>Everything the entity pages can change, as one comparable string.</summary>
    public static async Task<string> SnapshotAsync(this ShowgeoApp app)
    {
        await using var db = app.CreateDb();
        var entities = await db.Set<Entity>().AsNoTracking().OrderBy(e => e.Id)
            .Select(e => $"{e.Id}|{e.Slug}|{e.Name}|{e.Kind}|{e.Bio}|{string.Join(",", e.Genres)}|{e.City}|{e.Country}|{e.IsVerified}|{e.SuspendedAt}|{e.SuspensionReason}")
            .ToListAsync();
        var members = await db.Set<EntityMember>().AsNoTracking().OrderBy(m => m.EntityId).ThenBy(m => m.UserId)
            .Select(m => $"{m.EntityId}|{m.UserId}|{m.Role}").ToListAsync();
        var tours = await db.Set<Tour>().AsNoTracking().OrderBy(t => t.Id)
            .Select(t => $"{t.Id}|{t.Slug}|{t.Name}|{t.Description}").ToListAsync();
        var events = await db.Set<Event>().AsNoTracking().OrderBy(e => e.Id).Select(e => $"{e.Id}|{e.TourId}").ToListAsync();
        return string.Join("\n", entities.Concat(members).Concat(tours).Concat(events));
    }
}

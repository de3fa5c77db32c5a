using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Admin;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tours;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>Database state as one comparable string, so a test can assert that a refused request wrote nothing.</summary>
public static class Snapshots
{
    /// <summary>Everything the entity, tour and admin pages can change.</summary>
    public static async Task<string> EntitySnapshotAsync(this ShowgeoApp app)
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
        var suspensions = await db.Set<AppUser>().AsNoTracking().Where(u => u.SuspendedAt != null).OrderBy(u => u.Id)
            .Select(u => $"{u.Id}|{u.SuspendedAt}|{u.SuspensionReason}").ToListAsync();
        var actions = await db.Set<AdminAction>().AsNoTracking().OrderBy(a => a.Id).Select(a => $"{a.Id}|{a.Action}").ToListAsync();
        return string.Join("\n", entities.Concat(members).Concat(tours).Concat(events).Concat(suspensions).Concat(actions));
    }
}

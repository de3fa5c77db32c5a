using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Tickets;

/// <summary>An event as its entity's dashboard sees it, loaded only if this user holds the permission on that entity.</summary>
public sealed record ManagedEvent(Guid Id, Guid EntityId, string EntitySlug, string Title, EventPhase Phase)
{
    /// <summary>The entity gate decides (404 for non-members, 403 for a missing permission); an event of another entity is 404.</summary>
    public static async Task<(IActionResult? Denied, ManagedEvent? Event)> LoadAsync(ShowgeoDb db, ManagedEntityGate gate, string slug,
        Guid eventId, ClaimsPrincipal user, EntityPermission permission, CancellationToken ct)
    {
        var (entity, denied) = await gate.CheckAsync(slug, user, permission, ct);
        if (denied is not null) return (denied, null);
        var ev = await db.Set<Event>().AsNoTracking().Where(e => e.Id == eventId && e.EntityId == entity!.Id)
            .Select(e => new ManagedEvent(e.Id, e.EntityId, e.Entity!.Slug, e.Title, e.Phase)).SingleOrDefaultAsync(ct);
        return ev is null ? (new NotFoundResult(), null) : (null, ev);
    }
}

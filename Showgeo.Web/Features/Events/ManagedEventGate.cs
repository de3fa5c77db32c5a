using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Events;

/// <summary>The event a back-office page works on, with the entity that runs it and the viewer's role there.</summary>
public sealed record ManagedEvent(ManagedEntity Entity, Guid Id, string Title, Guid? ArtAssetId)
{
    public string EntitySlug => Entity.Slug;
}

/// <summary>The outcome of <see cref="ManagedEventGate.CheckAsync"/>: the event, or the response that refuses.</summary>
public sealed record EventGateResult(ManagedEvent? Event, IActionResult? Denied);

/// <summary>
/// Resolves /manage/{slug}/events/{eventId}/… pages: <see cref="ManagedEntityGate"/> decides about the entity (404 for
/// non-members, 403 for a missing permission), then the event must be that entity's own; another entity's event id is
/// 404, exactly like one that does not exist.
/// </summary>
public sealed class ManagedEventGate(ShowgeoDb db, ManagedEntityGate entities)
{
    public async Task<EventGateResult> CheckAsync(string slug, Guid eventId, ClaimsPrincipal user, EntityPermission permission, CancellationToken ct)
    {
        var (entity, denied) = await entities.CheckAsync(slug, user, permission, ct);
        if (denied is not null) return new(null, denied);
        var ev = await db.Set<Event>().AsNoTracking()
            .Where(e => e.Id == eventId && e.EntityId == entity!.Id)
            .Select(e => new { e.Id, e.Title, e.ArtAssetId })
            .SingleOrDefaultAsync(ct);
        return ev is null
            ? new(null, new NotFoundResult())
            : new(new ManagedEvent(entity!, ev.Id, ev.Title, ev.ArtAssetId), null);
    }
}

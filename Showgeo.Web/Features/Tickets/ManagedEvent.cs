using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Tickets;

/// <summary>An event as its entity's dashboard sees it, loaded only if this user holds the permission on that entity.</summary>
public sealed record ManagedEvent(Guid Id, Guid EntityId, string EntitySlug, string Title, EventPhase Phase)
{
    public enum Access { Ok, NotFound, Forbidden }

    public static async Task<(Access, ManagedEvent?)> LoadAsync(ShowgeoDb db, EntityAccess access, string slug, Guid eventId,
        ClaimsPrincipal user, EntityPermission permission, CancellationToken ct)
    {
        var ev = await db.Set<Event>().AsNoTracking().Where(e => e.Id == eventId && e.Entity!.Slug == slug)
            .Select(e => new ManagedEvent(e.Id, e.EntityId, e.Entity!.Slug, e.Title, e.Phase)).SingleOrDefaultAsync(ct);
        if (ev is null) return (Access.NotFound, null);
        return await access.CanAsync(ev.EntityId, user, permission, ct) ? (Access.Ok, ev) : (Access.Forbidden, null);
    }
}

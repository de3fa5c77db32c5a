using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Events.Manage;

public sealed record ManagedEntity(Guid Id, string Slug, string Name)
{
    /// <summary>The entity behind a manager URL, or null when it does not exist or the user may not run its events.</summary>
    public static async Task<(ManagedEntity? Entity, bool Exists)> FindAsync(
        ShowgeoDb db, EntityAccess access, string slug, ClaimsPrincipal user, CancellationToken ct)
    {
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Slug == slug)
            .Select(e => new ManagedEntity(e.Id, e.Slug, e.Name)).SingleOrDefaultAsync(ct);
        if (entity is null) return (null, false);
        return await access.CanAsync(entity.Id, user, EntityPermission.RunEvents, ct) ? (entity, true) : (null, true);
    }
}

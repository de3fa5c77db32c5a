using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Entities;

/// <summary>What every back-office page shows about the entity it manages, and the viewer's role in it.</summary>
public sealed record ManagedEntity(
    Guid Id, string Slug, string Name, EntityKind Kind, bool IsVerified, DateTimeOffset? SuspendedAt,
    string? SuspensionReason, EntityRole Role)
{
    public bool Can(EntityPermission permission) => EntityAccess.Allows(Role, permission);
}

/// <summary>The outcome of <see cref="ManagedEntityGate.CheckAsync"/>: the entity, or the response that refuses.</summary>
public sealed record EntityGateResult(ManagedEntity? Entity, IActionResult? Denied);

/// <summary>
/// Resolves /manage/{slug} pages. Non-members (admins included) get 404: the back office of an entity is not theirs to
/// probe, and it looks the same whether the slug exists or not. Members whose role lacks the permission get 403.
/// </summary>
public sealed class ManagedEntityGate(ShowgeoDb db, EntityAccess access)
{
    public async Task<EntityGateResult> CheckAsync(string slug, ClaimsPrincipal user, EntityPermission permission, CancellationToken ct)
    {
        var entity = await db.Set<Entity>().AsNoTracking()
            .Where(e => e.Slug == slug)
            .Select(e => new { e.Id, e.Slug, e.Name, e.Kind, e.IsVerified, e.SuspendedAt, e.SuspensionReason })
            .SingleOrDefaultAsync(ct);
        if (entity is null) return new(null, new NotFoundResult());
        if (await access.RoleAsync(entity.Id, user, ct) is not { } role) return new(null, new NotFoundResult());
        if (!EntityAccess.Allows(role, permission)) return new(null, new StatusCodeResult(StatusCodes.Status403Forbidden));
        return new(new ManagedEntity(entity.Id, entity.Slug, entity.Name, entity.Kind, entity.IsVerified,
            entity.SuspendedAt, entity.SuspensionReason, role), null);
    }
}

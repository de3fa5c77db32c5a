using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Entities;

/// <summary>What a member of an entity may do. One table for the whole app; see <see cref="EntityAccess.Allows"/>.</summary>
public enum EntityPermission
{
    /// <summary>Create/edit events, change phases, run check-in.</summary>
    RunEvents,
    /// <summary>Edit the entity's profile, media and tours; see followers.</summary>
    ManageProfile,
    /// <summary>Ticket prices, orders, refunds, payouts.</summary>
    ManageMoney,
    /// <summary>Add, change and remove collaborators (never the owner).</summary>
    ManageMembers,
    /// <summary>Hand the entity to another member.</summary>
    TransferOwnership,
}

/// <summary>
/// Answers "may this user do this to this entity?". Pages declare [Authorize] through conventions and then ask here for
/// the specific entity. Platform admins moderate (verify/suspend) through admin pages; they are not implicitly members.
/// </summary>
public sealed class EntityAccess(ShowgeoDb db)
{
    public static bool Allows(EntityRole role, EntityPermission permission) => permission switch
    {
        EntityPermission.RunEvents => true,
        EntityPermission.ManageProfile or EntityPermission.ManageMoney or EntityPermission.ManageMembers =>
            role is EntityRole.Owner or EntityRole.Manager,
        EntityPermission.TransferOwnership => role is EntityRole.Owner,
        _ => false,
    };

    public static Guid? UserId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public async Task<EntityRole?> RoleAsync(Guid entityId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (UserId(user) is not { } userId) return null;
        var member = await db.Set<EntityMember>().AsNoTracking()
            .Where(m => m.EntityId == entityId && m.UserId == userId)
            .Select(m => (EntityRole?)m.Role)
            .FirstOrDefaultAsync(ct);
        return member;
    }

    public async Task<bool> CanAsync(Guid entityId, ClaimsPrincipal user, EntityPermission permission, CancellationToken ct = default) =>
        await RoleAsync(entityId, user, ct) is { } role && Allows(role, permission);
}

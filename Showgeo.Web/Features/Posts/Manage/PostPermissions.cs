using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Posts.Manage;

/// <summary>
/// Who writes posts. A post speaks for the entity in public, as its profile does, so writing, scheduling and deleting
/// posts take <see cref="EntityPermission.ManageProfile"/> (owners and managers). Moderating comments (delete any, close
/// a thread) is for the whole team, coordinators included, as chat moderation is.
/// </summary>
public static class PostPermissions
{
    public const EntityPermission Write = EntityPermission.ManageProfile;
}

using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Entities;

/// <summary>Someone was given a role on an entity: added as a member, re-roled, or handed the ownership.</summary>
public sealed record EntityRoleGranted(Guid EntityId, Guid UserId, EntityRole Role, Guid ByUserId) : IDomainEvent;

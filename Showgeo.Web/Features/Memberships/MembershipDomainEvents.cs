using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Memberships;

/// <summary>A fan's first payment for a membership landed: they are a member of <paramref name="TierName"/> from now.</summary>
public sealed record MembershipStarted(Guid MembershipId, Guid EntityId, Guid TierId, Guid UserId, string TierName,
    long PriceMinor, string Currency, bool IsTest, DateTimeOffset AccessUntil) : IDomainEvent;

/// <summary>
/// A membership ended for good (its subscription was deleted, or its first payment was refunded). A lapse for a failed
/// renewal is not an end: a later renewal restores it.
/// </summary>
public sealed record MembershipEnded(Guid MembershipId, Guid EntityId, Guid TierId, Guid UserId, DateTimeOffset EndedAt) : IDomainEvent;

using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Events;

/// <summary>An event left Draft: it is announced and may be listed, followed and sold.</summary>
public sealed record EventPublished(Guid EventId, Guid EntityId) : IDomainEvent;

/// <summary>Every phase change, including publication and cancellation.</summary>
public sealed record EventPhaseChanged(Guid EventId, Guid EntityId, EventPhase From, EventPhase To, Guid ByUserId, string? Note) : IDomainEvent;

/// <summary>The event is cancelled for good; whatever holds money or seats for it unwinds in its handler.</summary>
public sealed record EventCancelled(Guid EventId, Guid EntityId, Guid ByUserId) : IDomainEvent;

/// <summary>A fan answered (or withdrew, <paramref name="Status"/> null) an RSVP.</summary>
public sealed record RsvpChanged(Guid EventId, Guid UserId, RsvpStatus? Status) : IDomainEvent;

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Infrastructure.Outbox;

/// <summary>
/// Something that happened in one feature that others may react to. A small immutable record of ids and facts,
/// serialised to JSON in the outbox; its type name (the record's name) is its wire name, so renaming one is a
/// breaking change for events still in flight.
/// </summary>
public interface IDomainEvent;

/// <summary>What the dispatcher knows about one delivery.</summary>
/// <param name="MessageId">The outbox row; stable across retries, so handlers can use it as an idempotency key.</param>
/// <param name="Attempt">1 on the first delivery, higher on retries.</param>
public sealed record DomainEventContext(Guid MessageId, int Attempt, DateTimeOffset OccurredAt);

/// <summary>
/// Reacts to <typeparamref name="TEvent"/>. Runs in its own DI scope, outside the transaction that raised the event,
/// at least once: it must be idempotent (a natural unique key, or a check of the state it is about to change). Throwing
/// schedules a retry with backoff; handlers of the same event that already succeeded are not run again.
/// </summary>
public interface IDomainEventHandler<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent domainEvent, DomainEventContext context, CancellationToken ct);
}

public static class DomainEventPublishing
{
    /// <summary>
    /// Adds <paramref name="domainEvent"/> to the outbox as part of this context's next <c>SaveChanges</c>, so it commits
    /// or rolls back with the change it describes. Call it inside the feature's transaction.
    /// </summary>
    public static void AddDomainEvent(this ShowgeoDb db, IDomainEvent domainEvent, DateTimeOffset now) =>
        db.Add(OutboxMessage.For(domainEvent, now));

    /// <summary>Writes the event at once (inside the caller's open transaction, if any), for code that uses raw SQL.</summary>
    public static async Task PublishAsync(this ShowgeoDb db, IDomainEvent domainEvent, DateTimeOffset now, CancellationToken ct)
    {
        var m = OutboxMessage.For(domainEvent, now);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO outbox_messages (id, type, payload, occurred_at, status, attempts, next_attempt_at)
            VALUES ({m.Id}, {m.Type}, {m.Payload}::jsonb, {m.OccurredAt}, 'Pending', 0, {m.NextAttemptAt})
            """, ct);
    }
}

using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Events;

public sealed record PhaseChangeResult(bool Succeeded, string? Error, EventPhase Phase)
{
    public static PhaseChangeResult Ok(EventPhase phase) => new(true, null, phase);
    public static PhaseChangeResult Refused(string error, EventPhase phase) => new(false, error, phase);
}

/// <summary>
/// Moves events between phases. Only the transitions in <see cref="Allowed"/> exist; each one is a conditional UPDATE
/// (so a double click or two managers at once change the phase exactly once) plus a history row and its domain events,
/// in one transaction. What follows from a change (refunds after a cancellation, notifications) runs in the events'
/// handlers, never in the manager's request. Cancelling an event with paid orders refunds them, so it needs
/// <see cref="EntityPermission.ManageMoney"/>; without paid orders any member who runs events may cancel.
/// </summary>
public sealed class EventLifecycle(ShowgeoDb db, EntityAccess access, IEventMoneyCheck money, TimeProvider clock)
{
    public const int NoteMaxLength = 500;

    // Published events never go back to Draft: fans may already hold tickets or links, so withdrawing one is a
    // cancellation. Post and Cancelled are final.
    private static readonly Dictionary<EventPhase, EventPhase[]> Allowed = new()
    {
        [EventPhase.Draft] = [EventPhase.Pre, EventPhase.Cancelled],
        [EventPhase.Pre] = [EventPhase.Live, EventPhase.Cancelled],
        [EventPhase.Live] = [EventPhase.Post, EventPhase.Cancelled],
        [EventPhase.Post] = [],
        [EventPhase.Cancelled] = [],
    };

    public static IReadOnlyList<EventPhase> NextPhases(EventPhase from) => Allowed[from];

    public static bool IsAllowed(EventPhase from, EventPhase to) => Allowed[from].Contains(to);

    public static string ActionLabel(EventPhase to) => to switch
    {
        EventPhase.Pre => "Publish (announce)",
        EventPhase.Live => "Go live",
        EventPhase.Post => "End event",
        EventPhase.Cancelled => "Cancel event",
        _ => $"Move to {to}",
    };

    /// <param name="expectedFrom">The phase the user saw; if the event has moved on meanwhile nothing changes.</param>
    public async Task<PhaseChangeResult> ChangeAsync(Guid eventId, EventPhase expectedFrom, EventPhase to,
        ClaimsPrincipal user, string? note, CancellationToken ct)
    {
        var current = await db.Set<Event>().AsNoTracking().Where(e => e.Id == eventId)
            .Select(e => new { e.EntityId, e.Phase }).SingleOrDefaultAsync(ct);
        if (current is null) return PhaseChangeResult.Refused("This event no longer exists.", expectedFrom);
        if (EntityAccess.UserId(user) is not { } userId || !await access.CanAsync(current.EntityId, user, EntityPermission.RunEvents, ct))
            return PhaseChangeResult.Refused("Only the entity's team can change this event's phase.", current.Phase);
        if (!Enum.IsDefined(to) || !Enum.IsDefined(expectedFrom))
            return PhaseChangeResult.Refused("Unknown phase.", current.Phase);
        if (!IsAllowed(expectedFrom, to))
            return PhaseChangeResult.Refused($"An event cannot move from {expectedFrom} to {to}.", current.Phase);
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > NoteMaxLength })
            return PhaseChangeResult.Refused($"The note can be at most {NoteMaxLength} characters.", current.Phase);

        var mayMoveMoney = to != EventPhase.Cancelled || await access.CanAsync(current.EntityId, user, EntityPermission.ManageMoney, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Set<Event>()
            .Where(e => e.Id == eventId && e.Phase == expectedFrom)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Phase, to), ct);
        if (moved == 0)
        {
            await tx.RollbackAsync(ct);
            var now = await db.Set<Event>().AsNoTracking().Where(e => e.Id == eventId).Select(e => e.Phase).SingleAsync(ct);
            return PhaseChangeResult.Refused(
                $"The event is already {now}; it was changed meanwhile, so nothing was done.", now);
        }
        // Asked after the UPDATE, which locks the event row until commit, so two cancels cannot both pass on a stale
        // answer. REVIEW: a payment completing in this instant is not blocked by the lock; it is refunded like any
        // payment for a cancelled event.
        if (!mayMoveMoney && await money.HasPaidOrdersAsync(eventId, ct))
        {
            await tx.RollbackAsync(ct);
            return PhaseChangeResult.Refused(
                "This event has paid orders, and cancelling it refunds them: only an owner or manager can cancel it.", expectedFrom);
        }
        var at = clock.GetUtcNow();
        db.Add(new EventPhaseChange
        {
            Id = Guid.NewGuid(), EventId = eventId, FromPhase = expectedFrom, ToPhase = to,
            ChangedByUserId = userId, ChangedAt = at, Note = note,
        });
        db.AddDomainEvent(new EventPhaseChanged(eventId, current.EntityId, expectedFrom, to, userId, note), at);
        if (expectedFrom == EventPhase.Draft && to != EventPhase.Cancelled)
            db.AddDomainEvent(new EventPublished(eventId, current.EntityId), at);
        if (to == EventPhase.Cancelled)
            db.AddDomainEvent(new EventCancelled(eventId, current.EntityId, userId), at);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();

        return PhaseChangeResult.Ok(to);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// What this instance last read of an event's ticket types when one of them was sold out, kept for
/// <see cref="TicketingOptions.SoldOutAnswerSeconds"/>. In a flash sale most buyers ask for seats that are already gone;
/// answering them from here costs no query and no write transaction, and their answer is the same ticket section the
/// database would have produced a moment earlier.
/// </summary>
/// <remarks>
/// Only ever a reason to say "sold out", never to grant seats: a hold is granted by the conditional UPDATE alone. A seat
/// that frees up (a lapsed hold, a cancelled order, a refund, a manager raising the capacity on another instance) is
/// offered again once the entry ages out, at most that many seconds later; seats freed on this instance (a released
/// hold, a refund, a ticket type added or deleted) empty it at once.
/// </remarks>
public sealed class SoldOutShelf(IOptions<TicketingOptions> options)
{
    private sealed record Entry(IReadOnlyList<TicketTypeRow> Types, DateTimeOffset ReadAt);

    private readonly ConcurrentDictionary<Guid, Entry> _events = new();

    /// <summary>The event's ticket types as read within the last few seconds when one was sold out; null otherwise.</summary>
    public IReadOnlyList<TicketTypeRow>? Recent(Guid eventId, DateTimeOffset now)
    {
        if (!_events.TryGetValue(eventId, out var entry)) return null;
        if (now - entry.ReadAt < Lifetime && now >= entry.ReadAt) return entry.Types;
        _events.TryRemove(new KeyValuePair<Guid, Entry>(eventId, entry));
        return null;
    }

    /// <summary>Keeps <paramref name="types"/> (all of the event's types, read at <paramref name="readAt"/>) if one of them has no seat left.</summary>
    public void Offer(Guid eventId, IReadOnlyList<TicketTypeRow> types, DateTimeOffset readAt)
    {
        if (Lifetime <= TimeSpan.Zero || !types.Any(t => t.Remaining == 0)) return;
        _events[eventId] = new Entry(types, readAt);
    }

    public void Forget(Guid eventId) => _events.TryRemove(eventId, out _);

    /// <summary>After seats came back (a released hold, a refund): the shelf holds a second's worth at most, so all of it goes.</summary>
    public void ForgetAll() => _events.Clear();

    private TimeSpan Lifetime => TimeSpan.FromSeconds(options.Value.SoldOutAnswerSeconds);
}

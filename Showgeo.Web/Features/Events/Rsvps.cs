using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Events;

public sealed record RsvpCounts(int Going, int Interested);

/// <summary>
/// Fans' RSVPs to free events. Counts are taken from the rows on read, so they are exact whatever happens concurrently
/// (and when accounts are deleted); one aggregate over the event's primary-key range is cheap.
/// </summary>
public sealed class Rsvps(ShowgeoDb db, TimeProvider clock)
{
    public async Task<RsvpCounts> CountsAsync(Guid eventId, CancellationToken ct)
    {
        var rows = await db.Set<Rsvp>().AsNoTracking().Where(r => r.EventId == eventId)
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return new(rows.FirstOrDefault(r => r.Key == RsvpStatus.Going)?.Count ?? 0,
            rows.FirstOrDefault(r => r.Key == RsvpStatus.Interested)?.Count ?? 0);
    }

    public Task<RsvpStatus?> MineAsync(Guid eventId, Guid userId, CancellationToken ct) =>
        db.Set<Rsvp>().AsNoTracking().Where(r => r.EventId == eventId && r.UserId == userId)
            .Select(r => (RsvpStatus?)r.Status).SingleOrDefaultAsync(ct);

    /// <summary>Sets the fan's answer; a repeat or a double click leaves exactly one row and raises nothing.</summary>
    public async Task SetAsync(Guid eventId, Guid userId, RsvpStatus status, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO rsvps (event_id, user_id, status, created_at)
            VALUES ({eventId}, {userId}, {status.ToString()}, {now})
            ON CONFLICT (event_id, user_id) DO UPDATE SET status = excluded.status WHERE rsvps.status <> excluded.status
            """, ct);
        if (changed == 1) await db.PublishAsync(new RsvpChanged(eventId, userId, status), now, ct);
        await tx.CommitAsync(ct);
    }

    public async Task RemoveAsync(Guid eventId, Guid userId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Set<Rsvp>().Where(r => r.EventId == eventId && r.UserId == userId).ExecuteDeleteAsync(ct) == 1)
            await db.PublishAsync(new RsvpChanged(eventId, userId, null), clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
    }
}

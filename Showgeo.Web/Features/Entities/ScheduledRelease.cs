using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Entities;

/// <summary>
/// The shared step of jobs that release an entity's things at a set time (a product drop, a scheduled post): whether a
/// thing is out is computed from its time when it is read, so it opens at its instant on every instance; the job only
/// records the release, once, for the rows whose time has come. The rows are taken <c>FOR UPDATE SKIP LOCKED</c>, so
/// instances share a backlog without doing any row twice.
/// </summary>
public static class ScheduledRelease
{
    /// <summary>
    /// Locks the rows <paramref name="dueRows"/> selects (it must end in <c>FOR UPDATE SKIP LOCKED</c>), calls
    /// <paramref name="record"/> with each row and its entity's slug and name, and commits. Returns how many were released.
    /// </summary>
    public static async Task<int> RunAsync<T>(ShowgeoDb db, FormattableString dueRows, Func<T, Guid> entityOf,
        Action<T, string, string> record, CancellationToken ct) where T : class
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Set<T>().FromSql(dueRows).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var entityIds = due.Select(entityOf).Distinct().ToArray();
        var entities = await db.Set<Entity>().AsNoTracking().Where(e => entityIds.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => (e.Slug, e.Name), ct);
        foreach (var row in due)
        {
            var (slug, name) = entities[entityOf(row)];
            record(row, slug, name);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }
}

using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Admin;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tours;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>Database state as one comparable string, so a test can assert that a refused request wrote nothing.</summary>
public static class Snapshots
{
    /// <summary>Everything the entity, tour and admin pages can change.</summary>
    public static async Task<string> EntitySnapshotAsync(this ShowgeoApp app)
    {
        await using var db = app.CreateDb();
        var entities = await db.Set<Entity>().AsNoTracking().OrderBy(e => e.Id)
            .Select(e => $"{e.Id}|{e.Slug}|{e.Name}|{e.Kind}|{e.Bio}|{string.Join(",", e.Genres)}|{e.City}|{e.Country}|{e.IsVerified}|{e.SuspendedAt}|{e.SuspensionReason}")
            .ToListAsync();
        var members = await db.Set<EntityMember>().AsNoTracking().OrderBy(m => m.EntityId).ThenBy(m => m.UserId)
            .Select(m => $"{m.EntityId}|{m.UserId}|{m.Role}").ToListAsync();
        var tours = await db.Set<Tour>().AsNoTracking().OrderBy(t => t.Id)
            .Select(t => $"{t.Id}|{t.Slug}|{t.Name}|{t.Description}").ToListAsync();
        var events = await db.Set<Event>().AsNoTracking().OrderBy(e => e.Id).Select(e => $"{e.Id}|{e.TourId}").ToListAsync();
        var suspensions = await db.Set<AppUser>().AsNoTracking().Where(u => u.SuspendedAt != null).OrderBy(u => u.Id)
            .Select(u => $"{u.Id}|{u.SuspendedAt}|{u.SuspensionReason}").ToListAsync();
        var actions = await db.Set<AdminAction>().AsNoTracking().OrderBy(a => a.Id).Select(a => $"{a.Id}|{a.Action}").ToListAsync();
        return string.Join("\n", entities.Concat(members).Concat(tours).Concat(events).Concat(suspensions).Concat(actions));
    }

    // Written by the framework or the scheduler, never by a page handler's decision.
    private static readonly string[] Unwatched = ["data_protection_keys", "scheduled_job_runs", "schema_migrations"];

    // One statement per database: its tables are fixed once it is migrated.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SnapshotSql = new();

    /// <summary>
    /// Every table's row count and a checksum of its rows, so any write by a refused request shows, whichever table a
    /// feature added. Tables added later are picked up by themselves.
    /// </summary>
    public static async Task<DatabaseSnapshot> DatabaseSnapshotAsync(this ShowgeoApp app)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        if (!SnapshotSql.TryGetValue(app.ConnectionString, out var sql))
        {
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name", conn))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    if (!Unwatched.Contains(reader.GetString(0))) tables.Add(reader.GetString(0));
            SnapshotSql[app.ConnectionString] = sql = string.Join("\nUNION ALL\n", tables.Select(t =>
                $"SELECT '{t}', count(*)::text || ':' || coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') FROM \"{t}\" x"));
        }
        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(sql, conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) sums[reader.GetString(0)] = reader.GetString(1);
        return new DatabaseSnapshot(sums);
    }
}

/// <summary>Per table: "rows:checksum".</summary>
public sealed record DatabaseSnapshot(IReadOnlyDictionary<string, string> Tables)
{
    public IReadOnlyList<string> ChangedSince(DatabaseSnapshot before) =>
        Tables.Where(t => before.Tables.GetValueOrDefault(t.Key) != t.Value).Select(t => t.Key)
            .Concat(before.Tables.Keys.Where(k => !Tables.ContainsKey(k))).ToList();
}

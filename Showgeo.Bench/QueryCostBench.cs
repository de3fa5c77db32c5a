using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Bench;

/// <summary>
/// What one query costs this process in CPU, side by side: a raw Npgsql command, and the same lookup through the app's
/// pooled DbContext (a scope per query, as a request has), each over TLS and over plain TCP to PostgreSQL. Reads the
/// pages harness's database (run "pages" once first). CPU is the process's own (from /proc), divided by the queries.
/// </summary>
public static class QueryCostBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var n = BenchSupport.IntArg(args, "--queries", 4000);
        var baseCs = new NpgsqlConnectionStringBuilder(BenchSupport.ServerConnection()) { Database = "showgeo_bench_pages", MaxPoolSize = 64 };
        var tls = new NpgsqlConnectionStringBuilder(baseCs.ConnectionString) { SslMode = SslMode.Require }.ConnectionString;
        var plain = new NpgsqlConnectionStringBuilder(baseCs.ConnectionString) { SslMode = SslMode.Disable }.ConnectionString;
        var kept = new NpgsqlConnectionStringBuilder(tls) { NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;
        var ids = new List<Guid>();
        await using (var source = NpgsqlDataSource.Create(plain))
        await using (var cmd = source.CreateCommand("SELECT id FROM events ORDER BY slug LIMIT 500"))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));

        Console.WriteLine($"{n} queries per cell, 16 at once; µs of CPU per query, this process / PostgreSQL (all its processes)");
        Console.WriteLine("columns: TLS (Npgsql's default here), plain TCP, TLS with prepared statements kept (No Reset On Close, auto-prepare)");
        Console.WriteLine($"{"query",-44} {"TLS",14} {"plain",14} {"TLS kept",14}");
        var rows = new List<(string Name, Func<string, Task<Func<int, Task>>> Make)>
        {
            ("raw Npgsql, one command", async cs =>
            {
                var source = NpgsqlDataSource.Create(cs);
                return async i =>
                {
                    await using var cmd = source.CreateCommand("SELECT title FROM events WHERE id = $1");
                    cmd.Parameters.Add(new NpgsqlParameter { Value = ids[i % ids.Count] });
                    await cmd.ExecuteScalarAsync();
                };
            }),
            ("EF, pooled context per query", cs => Ef(cs, (db, id) =>
                db.Set<Event>().AsNoTracking().Where(e => e.Id == id).Select(e => e.Title).FirstOrDefaultAsync())),
            ("EF, event page's shape (joins, subquery)", cs => Ef(cs, (db, id) =>
                db.Set<Event>().AsNoTracking().Where(e => e.Id == id)
                    .Select(e => new { e.Title, e.Slug, e.StartsAt, e.City, e.Phase, Entity = e.Entity!.Name, EntitySlug = e.Entity.Slug,
                        Followers = e.Entity.FollowerCount, Types = db.Set<Showgeo.Web.Features.Tickets.TicketType>().Count(t => t.EventId == e.Id) })
                    .FirstOrDefaultAsync())),
        };
        foreach (var (name, make) in rows)
        {
            var cells = new List<string>();
            const int concurrency = 16;
                foreach (var cs in new[] { tls, plain, kept })
                {
                    var run = await make(cs);
                    for (var i = 0; i < 200; i++) await run(i); // warm: JIT, pool, query cache
                    var cpu0 = CpuSample.Now();
                    var next = -1;
                    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
                    {
                        int i;
                        while ((i = Interlocked.Increment(ref next)) < n) await run(i);
                    }));
                    var cpu = CpuSample.Now() - cpu0;
                    cells.Add($"{cpu.App.TotalMicroseconds / n:0} / {cpu.Postgres.TotalMicroseconds / n:0}");
                }
            Console.WriteLine($"{name,-44} {cells[0],14} {cells[1],14} {cells[2],14}");
        }
        return 0;

        // A request's shape: a scope (and so a pooled context) per query.
        Task<Func<int, Task>> Ef(string cs, Func<ShowgeoDb, Guid, Task> query)
        {
            var app = new BenchApp(cs);
            _ = app.Services;
            return Task.FromResult<Func<int, Task>>(async i =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                await query(scope.ServiceProvider.GetRequiredService<ShowgeoDb>(), ids[i % ids.Count]);
            });
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Bench;

/// <summary>
/// Measures the outbox dispatcher on a fresh database with the real app host: (1) committed → handler-started latency for
/// events committed one at a time while the dispatcher is idle (the NOTIFY wake-up path), and (2) throughput for a burst
/// committed in large transactions. The handler does no work of its own, so the numbers are the dispatcher's cost.
/// </summary>
public sealed class OutboxBench(OutboxBench.Options options)
{
    public sealed record Options(string ServerConnection, int Singles, int Burst, int Concurrency, int BatchSize)
    {
        public static Options Parse(string[] args)
        {
            return new(BenchSupport.ServerConnection(), BenchSupport.IntArg(args, "--singles", 300), BenchSupport.IntArg(args, "--burst", 20000),
                BenchSupport.IntArg(args, "--concurrency", 4), BenchSupport.IntArg(args, "--batch", 32));
        }
    }

    private const string Database = "showgeo_bench_outbox";

    public async Task<int> RunAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Pooling = false }.ConnectionString;
        var cs = new NpgsqlConnectionStringBuilder(options.ServerConnection) { Database = Database, MaxPoolSize = 32 }.ConnectionString;
        await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        await BenchSupport.ExecAsync(admin, $"CREATE DATABASE {Database}");
        try
        {
            await using (var source = NpgsqlDataSource.Create(cs))
                await new MigrationRunner(source, NullLogger<MigrationRunner>.Instance).ApplyAsync(MigrationRunner.Embedded());
            var recorder = new Recorder();
            await using var app = new BenchApp(cs,
                new() { ["Outbox:Concurrency"] = options.Concurrency.ToString(), ["Outbox:BatchSize"] = options.BatchSize.ToString() },
                s =>
                {
                    s.AddSingleton(recorder);
                    s.AddDomainEventHandler<BenchEvent, BenchHandler>();
                });
            _ = app.Services; // starts the host, and with it the dispatcher
            await using var data = NpgsqlDataSource.Create(cs);

            Console.WriteLine($"outbox dispatcher: concurrency {options.Concurrency}, batch {options.BatchSize}, {Environment.ProcessorCount} cores, load generator in-process");
            await SinglesAsync(data, recorder);
            await BurstAsync(data, recorder);
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await BenchSupport.ExecAsync(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
    }

    private async Task SinglesAsync(NpgsqlDataSource data, Recorder recorder)
    {
        var committed = new Dictionary<Guid, long>();
        for (var i = 0; i < options.Singles; i++)
        {
            var e = new BenchEvent(Guid.NewGuid());
            await InsertAsync(data, [e]);
            committed[e.Id] = Stopwatch.GetTimestamp();
            // Let the dispatcher go idle again, so each event measures a wake-up rather than a queue.
            while (!recorder.Started.ContainsKey(e.Id)) await Task.Delay(1);
            await Task.Delay(5);
        }
        var latencies = committed.Select(kv => Stopwatch.GetElapsedTime(kv.Value, recorder.Started[kv.Key]).TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"latency committed → handler started, {options.Singles} events one per transaction: " +
                          $"p50 {BenchSupport.Pct(latencies, 0.50):0.00} ms, p99 {BenchSupport.Pct(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms");
    }

    private async Task BurstAsync(NpgsqlDataSource data, Recorder recorder)
    {
        recorder.Started.Clear();
        var events = Enumerable.Range(0, options.Burst).Select(_ => new BenchEvent(Guid.NewGuid())).ToArray();
        var sw = Stopwatch.StartNew();
        foreach (var chunk in events.Chunk(500)) await InsertAsync(data, chunk);
        var inserted = sw.Elapsed;
        while (recorder.Started.Count < events.Length) await Task.Delay(5);
        // Handlers have started; wait until every message is marked delivered too.
        while (await CountPendingAsync(data) > 0) await Task.Delay(5);
        var total = sw.Elapsed;
        Console.WriteLine($"burst of {options.Burst} events (committed in {inserted.TotalSeconds:0.00} s, 500 per transaction): " +
                          $"all delivered after {total.TotalSeconds:0.00} s → {options.Burst / total.TotalSeconds:0} events/s");
    }

    private static async Task InsertAsync(NpgsqlDataSource data, BenchEvent[] events)
    {
        await using var conn = await data.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            foreach (var e in events)
            {
                var m = OutboxMessage.For(e, now);
                var cmd = new NpgsqlBatchCommand("""
                    INSERT INTO outbox_messages (id, type, payload, occurred_at, status, attempts, next_attempt_at)
                    VALUES ($1, $2, $3::jsonb, $4, 'Pending', 0, $4)
                    """);
                cmd.Parameters.AddWithValue(m.Id);
                cmd.Parameters.AddWithValue(m.Type);
                cmd.Parameters.AddWithValue(m.Payload);
                cmd.Parameters.AddWithValue(now);
                batch.BatchCommands.Add(cmd);
            }
            await batch.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private static async Task<long> CountPendingAsync(NpgsqlDataSource data)
    {
        await using var cmd = data.CreateCommand("SELECT count(*) FROM outbox_messages WHERE status = 'Pending'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }



    public sealed record BenchEvent(Guid Id) : IDomainEvent;

    public sealed class Recorder
    {
        public ConcurrentDictionary<Guid, long> Started { get; } = new();
    }

    public sealed class BenchHandler(Recorder recorder) : IDomainEventHandler<BenchEvent>
    {
        public Task HandleAsync(BenchEvent e, DomainEventContext context, CancellationToken ct)
        {
            recorder.Started.TryAdd(e.Id, Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        }
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Tests.Infrastructure.Outbox;

/// <summary>A test-only domain event. <paramref name="Mode"/> tells the probe handlers how to behave.</summary>
public sealed record OutboxProbe(Guid Id, string Mode) : IDomainEvent
{
    public const string Ok = "ok";
    /// <summary>The flaky handler throws on its first call for this event.</summary>
    public const string FailOnce = "fail-once";
    /// <summary>The flaky handler always throws.</summary>
    public const string FailAlways = "fail-always";
    /// <summary>The flaky handler waits until the host shuts down.</summary>
    public const string Hang = "hang";
}

/// <summary>Every handler call is a row in probe_calls, so instances sharing a database share one record of what ran.</summary>
public static class ProbeCalls
{
    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS probe_calls (
            probe_id uuid NOT NULL, handler text NOT NULL, instance text NOT NULL, outcome text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp())
        """;

    public static async Task RecordAsync(ShowgeoDb db, OutboxProbe probe, string handler, string instance, string outcome) =>
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO probe_calls (probe_id, handler, instance, outcome) VALUES ({probe.Id}, {handler}, {instance}, {outcome})");

    public static async Task<List<(Guid Probe, string Handler, string Instance, string Outcome)>> AllAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT probe_id, handler, instance, outcome FROM probe_calls ORDER BY at", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<(Guid, string, string, string)>();
        while (await reader.ReadAsync()) list.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return list;
    }
}

public sealed class InstanceName(string name)
{
    public string Name => name;
}

/// <summary>Always succeeds.</summary>
public sealed class SteadyProbeHandler(ShowgeoDb db, InstanceName instance) : IDomainEventHandler<OutboxProbe>
{
    public Task HandleAsync(OutboxProbe e, DomainEventContext context, CancellationToken ct) =>
        ProbeCalls.RecordAsync(db, e, nameof(SteadyProbeHandler), instance.Name, "ok");
}

/// <summary>Fails, hangs or succeeds as the probe asks.</summary>
public sealed class FlakyProbeHandler(ShowgeoDb db, InstanceName instance) : IDomainEventHandler<OutboxProbe>
{
    public async Task HandleAsync(OutboxProbe e, DomainEventContext context, CancellationToken ct)
    {
        switch (e.Mode)
        {
            case OutboxProbe.FailAlways:
            case OutboxProbe.FailOnce when context.Attempt == 1:
                await ProbeCalls.RecordAsync(db, e, nameof(FlakyProbeHandler), instance.Name, "failed");
                throw new InvalidOperationException($"probe {e.Id} failed on attempt {context.Attempt}");
            case OutboxProbe.Hang when instance.Name == "doomed":
                await ProbeCalls.RecordAsync(db, e, nameof(FlakyProbeHandler), instance.Name, "hung");
                await Task.Delay(Timeout.Infinite, ct);
                break;
        }
        await ProbeCalls.RecordAsync(db, e, nameof(FlakyProbeHandler), instance.Name, "ok");
    }
}

/// <summary>An app instance with both probe handlers, their probe_calls table and quick retries. Pass a database to run two on it.</summary>
public class OutboxApp(string instance = "a", string? database = null, double pollSeconds = 300) : ShowgeoApp
{
    protected override string? SharedDatabase => database;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        // Before the host starts, so the handlers can record their first call.
        await using (var conn = new NpgsqlConnection(settings["ConnectionStrings:Showgeo"]))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(ProbeCalls.CreateTable, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        settings["Outbox:BackoffSeconds"] = "0.05";
        settings["Outbox:MaxBackoffSeconds"] = "0.2";
        settings["Outbox:MaxAttempts"] = "3";
        settings["Outbox:LeaseSeconds"] = "3";
        // Long on purpose: delivery within the tests' timeouts proves the NOTIFY wake-up, not the poll.
        settings["Outbox:PollSeconds"] = pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.ConfigureServices(s =>
    {
        s.AddSingleton(new InstanceName(instance));
        s.AddDomainEventHandler<OutboxProbe, SteadyProbeHandler>();
        s.AddDomainEventHandler<OutboxProbe, FlakyProbeHandler>();
    });

    public async Task PublishAsync(params OutboxProbe[] probes)
    {
        await using var db = CreateDb();
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var p in probes) db.AddDomainEvent(p, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    public async Task<Dictionary<OutboxStatus, int>> StatusCountsAsync()
    {
        await using var db = CreateDb();
        return await db.Set<OutboxMessage>().Where(m => m.Type == nameof(OutboxProbe))
            .GroupBy(m => m.Status).ToDictionaryAsync(g => g.Key, g => g.Count());
    }
}

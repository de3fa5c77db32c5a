using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;

namespace Showgeo.Web.Infrastructure;

/// <summary>One tick of a recurring job that an instance claimed (and, once <see cref="FinishedAt"/> is set, completed).</summary>
public sealed class ScheduledJobRun
{
    public string Job { get; set; } = "";
    public DateTimeOffset TickAt { get; set; }
    public string ClaimedBy { get; set; } = "";
    public DateTimeOffset ClaimedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class ScheduledJobRunConfiguration : IEntityTypeConfiguration<ScheduledJobRun>
{
    public void Configure(EntityTypeBuilder<ScheduledJobRun> b)
    {
        b.ToTable("scheduled_job_runs");
        b.HasKey(x => new { x.Job, x.TickAt });
        b.Property(x => x.Job).HasMaxLength(100);
        b.Property(x => x.ClaimedBy).HasMaxLength(100);
    }
}

/// <summary>
/// Claims ticks of recurring jobs in <c>scheduled_job_runs</c>. The primary key (job, tick) makes the claim atomic
/// across instances: of several schedulers firing the same tick, exactly one insert succeeds.
/// </summary>
public sealed class ScheduledRuns(NpgsqlDataSource dataSource)
{
    /// <summary>Names this process in the rows it claims (several instances may share a machine name).</summary>
    public string Instance { get; } = $"{Truncate(Environment.MachineName, 80)}:{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>True when this instance may run <paramref name="job"/>'s <paramref name="tick"/>; also prunes rows older than <paramref name="keepFor"/>.</summary>
    public async Task<bool> TryClaimAsync(string job, DateTimeOffset tick, TimeSpan keepFor, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            WITH pruned AS (DELETE FROM scheduled_job_runs WHERE job = $1 AND tick_at < $3)
            INSERT INTO scheduled_job_runs (job, tick_at, claimed_by, claimed_at) VALUES ($1, $2, $4, now())
            ON CONFLICT (job, tick_at) DO NOTHING
            """);
        cmd.Parameters.Add(new() { Value = job });
        cmd.Parameters.Add(new() { Value = tick });
        cmd.Parameters.Add(new() { Value = tick - keepFor });
        cmd.Parameters.Add(new() { Value = Instance });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public Task CompleteAsync(string job, DateTimeOffset tick, CancellationToken ct) =>
        ExecAsync("UPDATE scheduled_job_runs SET finished_at = now() WHERE job = $1 AND tick_at = $2 AND claimed_by = $3", job, tick, ct);

    /// <summary>Gives a claimed tick back after a failed run, so another instance's scheduler may still run it.</summary>
    public Task ReleaseAsync(string job, DateTimeOffset tick, CancellationToken ct) =>
        ExecAsync("DELETE FROM scheduled_job_runs WHERE job = $1 AND tick_at = $2 AND claimed_by = $3", job, tick, ct);

    private async Task ExecAsync(string sql, string job, DateTimeOffset tick, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new() { Value = job });
        cmd.Parameters.Add(new() { Value = tick });
        cmd.Parameters.Add(new() { Value = Instance });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

using System.Collections.Concurrent;
using Coravel.Scheduling.Schedule.Interfaces;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>What the test jobs did, shared by every app instance of one test.</summary>
public sealed class JobLog
{
    public sealed record Run(string Instance, DateTimeOffset Tick, DateTimeOffset At);

    public ConcurrentQueue<Run> Recorded { get; } = new();
    public ConcurrentQueue<Run> Flaky { get; } = new();
    public ConcurrentQueue<Run> FlakyFailures { get; } = new();
    public Lock Gate { get; } = new();
}

/// <summary>Records every tick it runs.</summary>
internal sealed class RecordingJob(JobLog log, ScheduledRuns runs) : IRecurringJob
{
    public const string Name = "test.records-every-second";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct)
    {
        log.Recorded.Enqueue(new(runs.Instance, tick, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

/// <summary>Fails its first run (across all instances), then succeeds.</summary>
internal sealed class FailsFirstRunJob(JobLog log, ScheduledRuns runs) : IRecurringJob
{
    public const string Name = "test.fails-first-run";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct)
    {
        var run = new JobLog.Run(runs.Instance, tick, DateTimeOffset.UtcNow);
        lock (log.Gate)
        {
            if (log.FlakyFailures.IsEmpty)
            {
                log.FlakyFailures.Enqueue(run);
                throw new InvalidOperationException("Deliberate failure of the first run (test)");
            }
        }
        log.Flaky.Enqueue(run);
        return Task.CompletedTask;
    }
}

/// <summary>One Showgeo instance with the test jobs scheduled every second, on a database shared with others.</summary>
public sealed class SchedulingApp(string database, JobLog log) : ShowgeoApp(database)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services
            .AddSingleton(log)
            .AddRecurringJob<RecordingJob>(RecordingJob.Name, Cadence.Every(TimeSpan.FromSeconds(1)))
            .AddRecurringJob<FailsFirstRunJob>(FailsFirstRunJob.Name, Cadence.Every(TimeSpan.FromSeconds(1))));
}

/// <summary>Two instances of the app on one database, as on Render with two web instances.</summary>
public sealed class TwoInstanceSchedulingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly JobLog _log = new();
    private string _database = "";
    private SchedulingApp _a = null!;
    private SchedulingApp _b = null!;
    private bool _aStopped, _bStopped;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CloneAsync();
        _a = new SchedulingApp(_database, _log);
        _b = new SchedulingApp(_database, _log);
        await _a.InitializeAsync();
        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await StopAsync(b: true);
        await StopAsync(a: true);
        await TestDatabase.DropAsync(_database);
    }

    [Fact]
    public async Task The_scheduler_lock_excludes_a_holder_on_the_other_instance_until_released()
    {
        var a = _a.Services.GetRequiredService<IMutex>();
        var b = _b.Services.GetRequiredService<IMutex>();
        const string key = "test.exclusive";

        Assert.True(a.TryGetLock(key, 1440));
        Assert.False(b.TryGetLock(key, 1440));
        Assert.False(a.TryGetLock(key, 1440));
        Assert.True(b.TryGetLock("test.another-key", 1440));
        Assert.Equal(2, await AdvisoryLocksHeldAsync());

        // Coravel may release on a different thread from the one that locked.
        await Task.Run(() => a.Release(key));
        Assert.True(b.TryGetLock(key, 1440));
        Assert.False(a.TryGetLock(key, 1440));
        b.Release(key);
        b.Release("test.another-key");
        Assert.Equal(0, await AdvisoryLocksHeldAsync());
    }

    [Fact]
    public async Task A_tick_claimed_on_one_instance_is_refused_on_the_other()
    {
        var a = _a.Services.GetRequiredService<ScheduledRuns>();
        var b = _b.Services.GetRequiredService<ScheduledRuns>();
        var tick = new DateTimeOffset(2026, 7, 15, 2, 0, 0, TimeSpan.Zero);

        Assert.True(await a.TryClaimAsync("test.claims", tick, TimeSpan.FromDays(1), CancellationToken.None));
        Assert.False(await b.TryClaimAsync("test.claims", tick, TimeSpan.FromDays(1), CancellationToken.None));
        Assert.False(await a.TryClaimAsync("test.claims", tick, TimeSpan.FromDays(1), CancellationToken.None));
        Assert.True(await b.TryClaimAsync("test.claims", tick.AddDays(1), TimeSpan.FromDays(1), CancellationToken.None));
        Assert.True(await b.TryClaimAsync("test.other-job", tick, TimeSpan.FromDays(1), CancellationToken.None));

        await a.ReleaseAsync("test.claims", tick, CancellationToken.None);
        Assert.True(await b.TryClaimAsync("test.claims", tick, TimeSpan.FromDays(1), CancellationToken.None));

        // A claim prunes its job's records older than the cadence keeps them.
        Assert.True(await b.TryClaimAsync("test.claims", tick.AddDays(3), TimeSpan.FromDays(1), CancellationToken.None));
        await using var db = _a.CreateDb();
        Assert.Equal([tick.AddDays(3)], await db.Set<ScheduledJobRun>().Where(r => r.Job == "test.claims").Select(r => r.TickAt).ToListAsync());
        Assert.Equal(1, await db.Set<ScheduledJobRun>().CountAsync(r => r.Job == "test.other-job"));
    }

    [Fact]
    public async Task Each_tick_runs_once_across_both_instances_and_the_survivor_carries_on_alone()
    {
        var instanceB = _b.Services.GetRequiredService<ScheduledRuns>().Instance;
        await WaitUntilAsync(() => _log.Recorded.Count >= 4);
        await StopAsync(a: true);
        var aStoppedAt = DateTimeOffset.UtcNow;
        await WaitUntilAsync(() => _log.Recorded.Count(r => r.At > aStoppedAt) >= 2);
        await StopAsync(b: true);

        var runs = _log.Recorded.ToList();
        Assert.All(runs.GroupBy(r => r.Tick), tick => Assert.Single(tick));
        Assert.All(runs, r => Assert.Equal(0, r.Tick.UtcTicks % TimeSpan.TicksPerSecond));
        Assert.All(runs.Where(r => r.At > aStoppedAt), r => Assert.Equal(instanceB, r.Instance));

        await using var db = _a.CreateDb();
        var rows = await db.Set<ScheduledJobRun>().AsNoTracking().Where(r => r.Job == RecordingJob.Name).ToListAsync();
        Assert.Equal(runs.Select(r => (r.Tick, r.Instance)).Order(), rows.Select(r => (r.TickAt, r.ClaimedBy)).Order());
        Assert.All(rows, r => Assert.NotNull(r.FinishedAt));
    }

    [Fact]
    public async Task A_failed_run_gives_its_tick_back_and_the_job_keeps_running()
    {
        await WaitUntilAsync(() => !_log.FlakyFailures.IsEmpty && _log.Flaky.Count(r => r.Tick > _log.FlakyFailures.Single().Tick) >= 2);
        await StopAsync(a: true, b: true);

        // Exactly the successful runs are recorded, all finished: the failed run's claim was deleted (had it stayed,
        // an unfinished row would remain and nobody could have retried that tick).
        await using var db = _a.CreateDb();
        var rows = await db.Set<ScheduledJobRun>().AsNoTracking().Where(r => r.Job == FailsFirstRunJob.Name).ToListAsync();
        Assert.Equal(_log.Flaky.Select(r => (r.Tick, r.Instance)).Order(), rows.Select(r => (r.TickAt, r.ClaimedBy)).Order());
        Assert.All(rows, r => Assert.NotNull(r.FinishedAt));
        Assert.Single(_log.FlakyFailures);
    }

    private async Task StopAsync(bool a = false, bool b = false)
    {
        if (a && !_aStopped) { _aStopped = true; await _a.DisposeAsync(); }
        if (b && !_bStopped) { _bStopped = true; await _b.DisposeAsync(); }
    }

    /// <summary>Granted advisory locks on the test keys, as PostgreSQL lists a bigint key: high and low 32 bits.</summary>
    private async Task<long> AdvisoryLocksHeldAsync()
    {
        await using var conn = new NpgsqlConnection(_database);
        await conn.OpenAsync();
        var total = 0L;
        foreach (var key in new[] { "test.exclusive", "test.another-key" })
        {
            var id = PostgresAdvisoryMutex.LockId(key);
            await using var cmd = new NpgsqlCommand("""
                SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::int8 = $1 AND objid::int8 = $2
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, conn);
            cmd.Parameters.Add(new() { Value = (long)(uint)(id >> 32) });
            cmd.Parameters.Add(new() { Value = (long)(uint)id });
            total += (long)(await cmd.ExecuteScalarAsync())!;
        }
        return total;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The scheduled jobs did not run in time.");
            await Task.Delay(100);
        }
    }
}

public sealed class SchedulingSwitchedOffApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Scheduling:Enabled"] = "false";
        return Task.CompletedTask;
    }
}

public sealed class SchedulingSwitchTests(SchedulingSwitchedOffApp app) : IClassFixture<SchedulingSwitchedOffApp>
{
    [Fact]
    public async Task Switched_off_no_scheduler_runs_yet_jobs_can_still_be_run_directly()
    {
        Assert.Null(app.Services.GetService<IScheduler>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s.GetType().Namespace!.StartsWith("Coravel", StringComparison.Ordinal));
        Assert.Equal(0, await app.WithScopeAsync(sp => sp.GetRequiredService<HoldReleaseJob>().RunOnceAsync(CancellationToken.None)));
    }

    [Fact]
    public void Lock_ids_are_the_same_in_every_process_and_release() =>
        // Not string.GetHashCode (randomised per process), and never changed: during a rolling deploy the old and the
        // new instances must still contend for one lock.
        Assert.Equal(-2384269747614892061L, PostgresAdvisoryMutex.LockId("tickets.release-expired-holds"));
}

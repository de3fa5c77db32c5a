using Coravel;
using Coravel.Invocable;
using Coravel.Scheduling.Schedule.Interfaces;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Infrastructure;

public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Off: recurring jobs stay registered (and callable) but no timer runs them.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Work that runs on a <see cref="Cadence"/>; resolved in a fresh DI scope for every run.</summary>
public interface IRecurringJob
{
    /// <param name="tick">The start of the tick being run (<see cref="Cadence.TickAt"/>), the same on every instance.</param>
    Task RunAsync(DateTimeOffset tick, CancellationToken ct);
}

/// <summary>
/// Recurring jobs on Coravel's scheduler, safe with several instances on one database: the
/// <see cref="PostgresAdvisoryMutex"/> keeps runs of one job from overlapping anywhere, and <see cref="ScheduledRuns"/>
/// lets only the first instance run each tick (the lock alone would let an instance whose timer fires just after
/// another's run finished run the same tick again).
/// </summary>
public static class SchedulingSetup
{
    public static WebApplicationBuilder AddShowgeoScheduling(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton<ScheduledRuns>();
        if (options.Enabled)
        {
            builder.Services.AddScheduler();
            builder.Services.Replace(ServiceDescriptor.Singleton<IMutex, PostgresAdvisoryMutex>());
        }
        return builder;
    }

    /// <summary>Registers <typeparamref name="TJob"/> (scoped, unless already registered) to run on <paramref name="cadence"/>.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string name, Cadence cadence)
        where TJob : class, IRecurringJob
    {
        var existing = services.Select(d => d.IsKeyedService ? null : d.ImplementationInstance).OfType<RecurringJob>().ToList();
        if (existing.Any(j => j.Name == name || j.JobType == typeof(TJob)))
            throw new InvalidOperationException($"The recurring job '{name}' ({typeof(TJob).Name}) is registered twice.");
        var job = new RecurringJob<TJob>(name, cadence);
        services.AddSingleton(job);
        services.AddSingleton<RecurringJob>(job);
        services.AddTransient<RecurringJobInvocable<TJob>>();
        services.TryAddScoped<TJob>();
        return services;
    }

    public static WebApplication UseShowgeoScheduling(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<SchedulingOptions>>().Value.Enabled) return app;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchedulingSetup));
        app.Services.UseScheduler(scheduler =>
        {
            foreach (var job in app.Services.GetServices<RecurringJob>())
            {
                job.Schedule(scheduler);
                if (job.Cadence.IsRounded)
                    log.LogWarning("Recurring job {Job} runs {Cadence}: the scheduler only steps evenly through a minute or an hour", job.Name, job.Cadence);
                else
                    log.LogInformation("Recurring job {Job} runs {Cadence}", job.Name, job.Cadence);
            }
        }).OnError(ex => log.LogError(ex, "The scheduler could not run a recurring job"));
        return app;
    }
}

internal abstract class RecurringJob(string name, Cadence cadence)
{
    public string Name { get; } = name;
    public Cadence Cadence { get; } = cadence;
    public abstract Type JobType { get; }
    public abstract void Schedule(IScheduler scheduler);
}

internal sealed class RecurringJob<TJob>(string name, Cadence cadence) : RecurringJob(name, cadence)
    where TJob : class, IRecurringJob
{
    public override Type JobType => typeof(TJob);

    // Its own worker, so a long run of one job never delays the ticks of another.
    public override void Schedule(IScheduler scheduler) =>
        Cadence.Apply(scheduler.OnWorker(Name).Schedule<RecurringJobInvocable<TJob>>()).PreventOverlapping(Name);
}

/// <summary>What Coravel invokes on each tick: claim the tick, run the job, record the outcome.</summary>
internal sealed class RecurringJobInvocable<TJob>(RecurringJob<TJob> job, TJob work, ScheduledRuns runs, ILogger<RecurringJobInvocable<TJob>> log)
    : IInvocable, ICancellableInvocable
    where TJob : class, IRecurringJob
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        // Coravel decides a tick is due by DateTime.UtcNow, so the tick's key comes from the same clock (not from the
        // app's TimeProvider, which tests may stop or move). Coravel does not hand the invocable its tick, so a run is
        // keyed by the period it starts in: a run that starts late enough to cross into the next period (only likely
        // with 1-2 s cadences) takes that period's key, and the next tick is skipped rather than run twice.
        var tick = job.Cadence.TickAt(DateTimeOffset.UtcNow);
        try
        {
            if (!await runs.TryClaimAsync(job.Name, tick, job.Cadence.KeepRunsFor, CancellationToken))
            {
                log.LogDebug("{Job} {Tick:o} already ran on another instance", job.Name, tick);
                return;
            }
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
        {
            // Nothing was claimed, so nothing is lost: the scheduler fires again on the next tick.
            log.LogWarning("Recurring job {Job} skipped {Tick:o}: the database is unreachable ({Error})", job.Name, tick, ex.GetBaseException().Message);
            return;
        }
        try
        {
            await work.RunAsync(tick, CancellationToken);
        }
        catch (Exception ex)
        {
            await ReleaseAsync(tick);
            if (ex is OperationCanceledException && CancellationToken.IsCancellationRequested) return;
            if (DatabaseOutage.IsOutage(ex))
                log.LogWarning("Recurring job {Job} stopped at {Tick:o}: the database went away ({Error})", job.Name, tick, ex.GetBaseException().Message);
            else
                log.LogError(ex, "Recurring job {Job} failed at {Tick:o}; its tick is released for a retry", job.Name, tick);
            return;
        }
        try
        {
            await runs.CompleteAsync(job.Name, tick, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
        {
            // The work is done; the claim stays unfinished, which only means the row says so until it is pruned.
            log.LogWarning("Recurring job {Job} ran {Tick:o} but could not record it: the database is unreachable", job.Name, tick);
        }
    }

    private async Task ReleaseAsync(DateTimeOffset tick)
    {
        try
        {
            await runs.ReleaseAsync(job.Name, tick, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
        {
            // The claim stays; the tick is not retried, and the job runs again on its next tick as usual.
            log.LogWarning("Recurring job {Job} could not release {Tick:o}: the database is unreachable", job.Name, tick);
        }
    }
}

using Microsoft.Extensions.Options;
using Npgsql;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// Releases lapsed seat holds every few seconds. An advisory lock keeps it to one instance at a time; the release
/// itself uses FOR UPDATE SKIP LOCKED, so even overlapping runs never double-release.
/// </summary>
public sealed class HoldReleaseJob(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, IOptions<TicketingOptions> options, ILogger<HoldReleaseJob> log)
    : BackgroundService
{
    private const long LockKey = 0x5449434b_4554; // "TICKET"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReleaseIntervalSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                log.LogWarning(ex, "Releasing expired ticket holds failed; will retry");
            }
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", conn))
            if (await cmd.ExecuteScalarAsync(ct) is not true) return 0;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var released = await scope.ServiceProvider.GetRequiredService<OrderFulfilment>().ReleaseExpiredHoldsAsync(ct);
            if (released > 0) log.LogInformation("Released {Count} expired ticket holds", released);
            return released;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", conn);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }
}

using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// Releases lapsed seat holds every Tickets:ReleaseIntervalSeconds. The scheduler runs each tick once across instances;
/// the release itself uses FOR UPDATE SKIP LOCKED, so even a run beside another never double-releases.
/// </summary>
public sealed class HoldReleaseJob(OrderFulfilment fulfilment, ILogger<HoldReleaseJob> log) : IRecurringJob
{
    public const string Name = "tickets.release-expired-holds";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var released = await fulfilment.ReleaseExpiredHoldsAsync(ct);
        if (released > 0) log.LogInformation("Released {Count} expired ticket holds", released);
        return released;
    }
}

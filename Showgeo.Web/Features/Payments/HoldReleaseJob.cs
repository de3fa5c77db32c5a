using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// Releases the stock of pending orders whose hold has lapsed (every kind), every Payments:HoldReleaseSeconds. The scheduler runs each tick once across instances;
/// the release itself uses FOR UPDATE SKIP LOCKED, so even a run beside another never double-releases.
/// </summary>
public sealed class HoldReleaseJob(OrderFulfilment fulfilment, ILogger<HoldReleaseJob> log) : IRecurringJob
{
    // The run key other instances agree on; kept from when only tickets held stock, so a rolling deploy shares ticks.
    public const string Name = "tickets.release-expired-holds";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var released = await fulfilment.ReleaseExpiredHoldsAsync(ct);
        if (released > 0) log.LogInformation("Released {Count} expired order holds", released);
        return released;
    }
}

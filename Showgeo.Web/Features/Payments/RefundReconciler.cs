using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// Settles refunds whose outcome was lost (a timeout, a dropped connection, a provider error): every
/// Payments:RefundReconcileSeconds, once across instances, each refund still Pending after a grace period is sent again
/// with its own idempotency key. charge.refunded webhooks settle them too, whichever comes first.
/// </summary>
public sealed class RefundReconciler(RefundService refunds, ILogger<RefundReconciler> log) : IRecurringJob
{
    public const string Name = "payments.reconcile-refunds";

    /// <summary>Leaves the request that made the refund time to finish it itself.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(Grace, ct);

    public async Task<int> RunOnceAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var settled = await refunds.ReconcileAsync(olderThan, ct);
        if (settled > 0) log.LogInformation("Settled {Count} pending refunds", settled);
        return settled;
    }
}

using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// The hold step's admission: at most <see cref="TicketingOptions.HoldConcurrency"/> checkouts work on the database at
/// once on this instance, and the rest wait in arrival order
/// (<see href="https://learn.microsoft.com/dotnet/api/system.threading.ratelimiting.concurrencylimiter">ConcurrencyLimiter</see>,
/// oldest first). When thousands of buyers arrive in the same second, letting all of them in at once only makes every
/// one of them share the CPU, the connection pool and the hot ticket row until they all finish together at the end;
/// in order, the first buyers hear back in milliseconds and the total is no slower.
/// </summary>
public sealed class HoldAdmission(IOptions<TicketingOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.HoldConcurrency,
        QueueLimit = options.Value.HoldQueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A lease to dispose when the step is done; null when the queue is full (the caller answers "busy").</summary>
    public async ValueTask<IDisposable?> EnterAsync(CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(1, ct);
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}

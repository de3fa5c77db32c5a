namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// How payment signals (a Stripe webhook, or a simulated renewal) change a membership. Each signal only moves its own
/// fact forward — the newest payment, the newest failure, the latest period end, the newest cancel flag, the end —
/// and the status and <see cref="Membership.AccessUntil"/> are derived from those facts alone. So a duplicate or an
/// out-of-order delivery leaves the same state as the deliveries in order: an older event never overrides a newer one.
/// </summary>
public static class MembershipState
{
    /// <summary>A payment for the period ending <paramref name="periodEnd"/>, made at <paramref name="at"/>.</summary>
    public static void Paid(Membership m, DateTimeOffset at, DateTimeOffset periodEnd)
    {
        m.PaidSignalAt = Later(m.PaidSignalAt, at);
        m.CurrentPeriodEnd = Later(m.CurrentPeriodEnd, periodEnd);
    }

    /// <summary>A renewal failed at <paramref name="at"/>: past due until a newer payment lands.</summary>
    public static void Failed(Membership m, DateTimeOffset at) => m.FailedSignalAt = Later(m.FailedSignalAt, at);

    /// <summary>
    /// The subscription said, at <paramref name="at"/>, whether it ends with the period. Its period end is not taken:
    /// Stripe moves a subscription to the next period before the renewal is paid, and only a payment extends access.
    /// </summary>
    public static void Updated(Membership m, DateTimeOffset at, bool cancelAtPeriodEnd)
    {
        if (m.CancelSignalAt is { } seen && at < seen) return;
        m.CancelAtPeriodEnd = cancelAtPeriodEnd;
        m.CancelSignalAt = at;
    }

    /// <summary>The membership is over at <paramref name="endedAt"/>; nothing brings an ended membership back.</summary>
    public static void Ended(Membership m, DateTimeOffset endedAt) => m.EndedAt ??= endedAt;

    /// <summary>Derives status and access from the facts. Call after every signal.</summary>
    public static void Recompute(Membership m, TimeSpan grace)
    {
        if (m.EndedAt is { } ended)
        {
            m.Status = MembershipStatus.Ended;
            m.AccessUntil = ended;
            m.HoldUntil = null;
        }
        else if (m.PaidSignalAt is null || m.CurrentPeriodEnd is not { } periodEnd)
        {
            m.Status = MembershipStatus.Pending;
            m.AccessUntil = null;
        }
        else if (m.FailedSignalAt is { } failed && failed > m.PaidSignalAt)
        {
            m.Status = MembershipStatus.PastDue;
            m.AccessUntil = periodEnd + grace;
            m.HoldUntil = null;
        }
        else
        {
            m.Status = MembershipStatus.Active;
            m.AccessUntil = periodEnd;
            m.HoldUntil = null;
        }
    }

    /// <summary>One month on from <paramref name="from"/>, the length of every membership period.</summary>
    public static DateTimeOffset PeriodAfter(DateTimeOffset from) => from.AddMonths(1);

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}

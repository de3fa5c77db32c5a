using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Memberships;

public sealed record TierNumbers(Guid TierId, int ActiveMembers);

/// <summary>Monthly recurring revenue in one currency: the prices of every membership with access.</summary>
public sealed record Revenue(string Currency, long MonthlyMinor);

/// <summary>
/// An entity's membership numbers at <see cref="At"/>. Churn over the last 30 days: memberships whose access ended in
/// the window, over the members who had access when it opened (null when there were none).
/// </summary>
public sealed record MembershipNumbers(DateTimeOffset At, IReadOnlyDictionary<Guid, int> ActivePerTier, IReadOnlyList<Revenue> Mrr,
    int MembersAtWindowStart, int EndedInWindow)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    public double? Churn => MembersAtWindowStart == 0 ? null : (double)EndedInWindow / MembersAtWindowStart;

    public static async Task<MembershipNumbers> ForEntityAsync(ShowgeoDb db, Guid entityId, DateTimeOffset now, CancellationToken ct)
    {
        var start = now - Window;
        var of = db.Set<Membership>().AsNoTracking().Where(m => m.EntityId == entityId);
        var perTier = await of.WithAccess(now).GroupBy(m => m.TierId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var mrr = (await of.WithAccess(now).GroupBy(m => m.Currency).Select(g => new { Currency = g.Key, Sum = g.Sum(m => m.PriceMinor) })
            .OrderBy(r => r.Currency).ToListAsync(ct)).Select(r => new Revenue(r.Currency, r.Sum)).ToList();
        // Had access when the window opened (paid before it, access reaching past it)…
        var atStart = of.Where(m => m.PaidSignalAt != null && m.CreatedAt <= start && m.AccessUntil != null && m.AccessUntil > start);
        var membersAtStart = await atStart.CountAsync(ct);
        // …and lost it within the window: ended, lapsed past the grace period, or ran out after cancelling.
        var ended = await atStart.CountAsync(m => m.AccessUntil <= now, ct);
        return new MembershipNumbers(now, perTier, mrr, membersAtStart, ended);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Memberships;

/// <summary>Why the last hold in this scope was refused, for the join page to say (Payments only hears "not held").</summary>
public sealed class MembershipHoldRefusals
{
    public string? Last { get; set; }
}

/// <summary>
/// The first month of a membership paid through Payments' test payments, as an order kind: the order's reference is the
/// tier, its one line the month at the tier's price. The hold is a pending membership holding a seat
/// (<see cref="MembershipSeats"/>); payment makes it active for one month. Stripe memberships do not use orders: they
/// are subscriptions kept by webhooks (<see cref="MembershipStripeEvents"/>).
/// </summary>
public sealed class MembershipOrderKind(ShowgeoDb db, MembershipSeats seats, MembershipHoldRefusals refusals,
    IOptions<MembershipsOptions> options, TimeProvider clock, LinkGenerator links) : IOrderKind
{
    public const string Name = "membership";

    public string Kind => Name;

    public async Task<OrderLine?> HoldAsync(Order order, CancellationToken ct)
    {
        var line = order.Lines.Single();
        var held = await seats.HoldAsync(order.ReferenceId!.Value, order.UserId, order.HoldExpiresAt, isTest: true, order.Id, ct);
        refusals.Last = held.Refusal;
        if (held.Membership is not { } m) return line;
        // The order was priced from the tier read before the lock; a price change in between is refused, not charged.
        if (m.PriceMinor != line.UnitPriceMinor || m.Currency != order.Currency)
        {
            refusals.Last = "The price of this tier has just changed. Please look at it again.";
            db.Entry(m).State = EntityState.Detached;
            return line;
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<bool> FulfilAsync(Order order, IReadOnlyList<OrderLine> lines, bool held, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var m = await db.Set<Membership>().SingleOrDefaultAsync(x => x.OrderId == order.Id, ct);
        if (m is null || m.Status != MembershipStatus.Pending) return false;
        var tier = await seats.LockTierAsync(m.TierId, ct);
        var open = await db.Set<Entity>().AnyAsync(e => e.Id == m.EntityId && e.SuspendedAt == null, ct);
        if (!open) return false;
        // Paid after the hold lapsed: only if the seat is still there.
        if (!held && tier!.MemberLimit is { } limit && await seats.TakenAsync(tier.Id, now, m.Id, ct) >= limit) return false;
        MembershipState.Paid(m, now, MembershipState.PeriodAfter(now));
        MembershipState.Recompute(m, options.Value.Grace);
        m.UpdatedAt = now;
        db.AddDomainEvent(new MembershipStarted(m.Id, m.EntityId, m.TierId, m.UserId, tier!.Name, m.PriceMinor, m.Currency, m.IsTest, m.AccessUntil!.Value), now);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct)
    {
        var ids = orderIds.ToArray();
        // The seat is free at once; the row stays pending (a late payment can still take a free seat) until the fan joins again.
        await db.Database.ExecuteSqlAsync(
            $"UPDATE memberships SET hold_until = {clock.GetUtcNow()}, updated_at = {clock.GetUtcNow()} WHERE order_id = ANY({ids}) AND status = 'Pending'", ct);
    }

    public async Task<IReadOnlyList<RefundableUnit>> RefundableUnitsAsync(Guid orderId, CancellationToken ct) =>
        await db.Set<Membership>().AsNoTracking().Where(m => m.OrderId == orderId && m.Status != MembershipStatus.Ended)
            .Select(m => new RefundableUnit(m.Id, m.PriceMinor, 0)).ToListAsync(ct);

    /// <summary>A refunded first payment ends the membership at once.</summary>
    public async Task RefundedAsync(Order order, IReadOnlyCollection<Guid> unitIds, bool fullyRefunded, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var m = await db.Set<Membership>().SingleOrDefaultAsync(x => x.OrderId == order.Id && x.Status != MembershipStatus.Ended, ct);
        if (m is null) return;
        MembershipState.Ended(m, now);
        MembershipState.Recompute(m, options.Value.Grace);
        m.UpdatedAt = now;
        db.AddDomainEvent(new MembershipEnded(m.Id, m.EntityId, m.TierId, m.UserId, now), now);
        await db.SaveChangesAsync(ct);
    }

    public string ReceiptPath(Guid orderId) =>
        links.GetPathByPage("/Memberships/Mine") ?? throw new InvalidOperationException("The memberships page has no route.");

    public async Task<string> TitleAsync(Order order, CancellationToken ct) =>
        await (from t in db.Set<MembershipTier>()
               join e in db.Set<Entity>() on t.EntityId equals e.Id
               where t.Id == order.ReferenceId
               select t.Name + " membership of " + e.Name + " (first month)").SingleOrDefaultAsync(ct) ?? "Membership";
}

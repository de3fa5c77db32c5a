using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// Takes a seat in a tier for a new member, inside the caller's transaction. The tier row is locked first, so joins of
/// one tier run one at a time and the count of seats taken (live memberships and unexpired holds) cannot be passed
/// by two fans racing for the last one. One live membership per fan per entity is the database's partial unique index.
/// </summary>
public sealed class MembershipSeats(ShowgeoDb db, TimeProvider clock)
{
    public const string NotFoundMessage = "That membership tier does not exist.";

    public sealed record Held(Membership? Membership, string? Refusal);

    /// <summary>Locks the tier row for the rest of the transaction.</summary>
    public async Task<MembershipTier?> LockTierAsync(Guid tierId, CancellationToken ct) =>
        (await db.Set<MembershipTier>().FromSql($"SELECT * FROM membership_tiers WHERE id = {tierId} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();

    /// <summary>Seats of the tier taken at <paramref name="now"/>, not counting <paramref name="except"/>.</summary>
    public Task<int> TakenAsync(Guid tierId, DateTimeOffset now, Guid? except, CancellationToken ct) =>
        db.Set<Membership>().CountAsync(m => m.TierId == tierId && m.Id != except
            && ((m.Status == MembershipStatus.Pending && m.HoldUntil > now) || (m.AccessUntil != null && m.AccessUntil > now)), ct);

    /// <summary>
    /// Holds a seat: refuses an archived or full tier, a suspended entity, or a fan who already has a live membership
    /// of the entity; otherwise adds a pending membership at the tier's current price (not yet saved).
    /// </summary>
    public async Task<Held> HoldAsync(Guid tierId, Guid userId, DateTimeOffset holdUntil, bool isTest, Guid? orderId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tier = await LockTierAsync(tierId, ct);
        if (tier is null) return new(null, NotFoundMessage);
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Id == tier.EntityId).Select(e => new { e.Name, e.SuspendedAt }).SingleAsync(ct);
        if (entity.SuspendedAt is not null) return new(null, $"{entity.Name} is not taking new members while suspended.");
        if (tier.ArchivedAt is not null) return new(null, $"{tier.Name} is no longer open to new members.");

        var live = await db.Set<Membership>().Where(m => m.EntityId == tier.EntityId && m.UserId == userId && m.Status != MembershipStatus.Ended).ToListAsync(ct);
        foreach (var m in live)
        {
            if (m.HasAccess(now))
                return new(null, $"You are already a member of {entity.Name}. Cancel that membership first to change tier.");
            if (m.Status == MembershipStatus.Pending && m.HoldUntil > now)
                return new(null, $"You have already started joining {entity.Name}; finish or abandon that payment first.");
            if (m.StripeSubscriptionId is not null && m.Status == MembershipStatus.PastDue)
                return new(null, $"Your membership of {entity.Name} is past due: update your payment details from My memberships.");
            // A lapsed hold or an expired membership is history now, so the fan may start afresh.
            MembershipState.Ended(m, now);
            MembershipState.Recompute(m, TimeSpan.Zero);
            m.UpdatedAt = now;
        }
        if (live.Count > 0) await db.SaveChangesAsync(ct);

        if (tier.MemberLimit is { } limit && await TakenAsync(tier.Id, now, null, ct) >= limit)
            return new(null, $"{tier.Name} is full: all {limit} places are taken.");

        var membership = new Membership
        {
            Id = Guid.CreateVersion7(), TierId = tier.Id, EntityId = tier.EntityId, UserId = userId, Status = MembershipStatus.Pending,
            PriceMinor = tier.PriceMinor, Currency = tier.Currency, IsTest = isTest, OrderId = orderId, HoldUntil = holdUntil,
            CreatedAt = now, UpdatedAt = now,
        };
        db.Add(membership);
        return new(membership, null);
    }
}

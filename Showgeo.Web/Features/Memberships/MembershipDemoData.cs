using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// Every demo entity offers two tiers, Supporter and Inner circle (limited to 50); the demo fan is a Supporter of the
/// first entity, paid with a test payment, so the badge, the members-only event and /me/memberships show at once.
/// </summary>
public static class MembershipDemoData
{
    /// <summary>Returns each entity's lowest tier, by entity id.</summary>
    public static async Task<Dictionary<Guid, MembershipTier>> SeedAsync(ShowgeoDb db, IReadOnlyList<Entity> entities, AppUser fan,
        DateTimeOffset now, CancellationToken ct)
    {
        var lowest = new Dictionary<Guid, MembershipTier>();
        foreach (var entity in entities)
        {
            var currency = entity.Country switch { "GB" => "GBP", "GH" => "GHS", _ => "EUR" };
            var supporter = Tier(entity, "Supporter", 1, 300, currency, "Your name in the credits and a members' badge in chat.", null);
            var inner = Tier(entity, "Inner circle", 2, 1000, currency, "Members-only listening parties and early tickets.", 50);
            db.AddRange(supporter, inner);
            lowest[entity.Id] = supporter;
        }
        var joined = lowest[entities[0].Id];
        var periodEnd = MembershipState.PeriodAfter(now);
        db.Add(new Membership
        {
            Id = Guid.CreateVersion7(), TierId = joined.Id, EntityId = joined.EntityId, UserId = fan.Id, Status = MembershipStatus.Active,
            PriceMinor = joined.PriceMinor, Currency = joined.Currency, IsTest = true, PaidSignalAt = now, CurrentPeriodEnd = periodEnd,
            AccessUntil = periodEnd, CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return lowest;

        MembershipTier Tier(Entity entity, string name, int rank, long price, string currency, string perks, int? limit) => new()
        {
            Id = Guid.CreateVersion7(), EntityId = entity.Id, Name = name, Rank = rank, PriceMinor = price, Currency = currency,
            Perks = perks, MemberLimit = limit, CreatedAt = now, UpdatedAt = now,
        };
    }
}

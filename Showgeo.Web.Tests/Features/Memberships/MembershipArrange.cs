using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Memberships;

/// <summary>Tiers and memberships written straight to the database, and joins through the real pages.</summary>
public static class MembershipArrange
{
    public static async Task<MembershipTier> TierAsync(this ShowgeoApp app, Guid entityId, string name = "Supporter", int rank = 1,
        long priceMinor = 500, string currency = "EUR", int? limit = null, bool archived = false)
    {
        var now = DateTimeOffset.UtcNow;
        var tier = new MembershipTier
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, Name = name, Rank = rank, PriceMinor = priceMinor, Currency = currency,
            Perks = $"{name} perks", MemberLimit = limit, ArchivedAt = archived ? now : null, CreatedAt = now, UpdatedAt = now,
        };
        await using var db = app.CreateDb();
        db.Add(tier);
        await db.SaveChangesAsync();
        return tier;
    }

    /// <summary>An active membership paid until <paramref name="periodEnd"/> (a month from now by default).</summary>
    public static async Task<Membership> MemberAsync(this ShowgeoApp app, MembershipTier tier, Guid userId, DateTimeOffset? periodEnd = null,
        bool isTest = true, string? subscriptionId = null, string? customerId = null, DateTimeOffset? createdAt = null)
    {
        var now = DateTimeOffset.UtcNow;
        var end = periodEnd ?? now.AddMonths(1);
        var m = new Membership
        {
            Id = Guid.CreateVersion7(), TierId = tier.Id, EntityId = tier.EntityId, UserId = userId, Status = MembershipStatus.Active,
            PriceMinor = tier.PriceMinor, Currency = tier.Currency, IsTest = isTest, PaidSignalAt = createdAt ?? now, CurrentPeriodEnd = end,
            AccessUntil = end, StripeSubscriptionId = subscriptionId, StripeCustomerId = customerId,
            CreatedAt = createdAt ?? now, UpdatedAt = now,
        };
        await using var db = app.CreateDb();
        db.Add(m);
        await db.SaveChangesAsync();
        return m;
    }

    public static async Task<List<Membership>> MembershipsAsync(this ShowgeoApp app, Guid userId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Membership>().AsNoTracking().Where(m => m.UserId == userId).OrderBy(m => m.CreatedAt).ToListAsync();
    }

    public static async Task<Membership> MembershipAsync(this ShowgeoApp app, Guid membershipId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Membership>().AsNoTracking().SingleAsync(m => m.Id == membershipId);
    }

    /// <summary>Posts the join form of the tier's join page; returns the raw response (a redirect to pay, or the page with a refusal).</summary>
    public static async Task<HttpResponseMessage> JoinAsync(this WebClient client, Guid tierId)
    {
        var page = await client.GetAsync($"/memberships/join/{tierId}");
        if (page.Document.QuerySelector($"form[action$='/join/{tierId}']") is not null)
            return await client.SubmitRawAsync(page.Document, $"form[action$='/join/{tierId}']");
        // The page offers no form (full, archived, unknown): post anyway, as a fan with a stale page would.
        return await client.PostAsync($"/memberships/join/{tierId}", (await client.GetAsync("/")).Document);
    }

    /// <summary>Joins through the real join form and pays on the test-payment page; returns the membership.</summary>
    public static async Task<Membership> JoinAndPayAsync(this WebClient client, ShowgeoApp app, Guid tierId, Guid userId)
    {
        using var response = await client.JoinAsync(tierId);
        Assert.True(response.IsRedirect(), "Join did not redirect: " + await response.Content.ReadAsStringAsync());
        var payUrl = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/pay/test/", payUrl);
        var pay = await client.GetAsync(payUrl);
        var paid = await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        Assert.Equal("/me/memberships", paid.Path);
        await using var db = app.CreateDb();
        return await db.Set<Membership>().AsNoTracking().Where(m => m.UserId == userId && m.TierId == tierId)
            .OrderByDescending(m => m.CreatedAt).FirstAsync();
    }
}

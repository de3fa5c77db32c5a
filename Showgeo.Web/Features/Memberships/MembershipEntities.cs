using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// A level of paid membership an entity offers. Rank orders the tiers (1 is the lowest): "tier X or above" means a rank
/// of at least X's. Archived tiers take no new members; their members keep what they have.
/// </summary>
public sealed class MembershipTier
{
    public Guid Id { get; set; }
    public Guid EntityId { get; set; }
    public string Name { get; set; } = "";
    public int Rank { get; set; }
    /// <summary>The monthly price for new members; each membership keeps the price it was bought at.</summary>
    public long PriceMinor { get; set; }
    public string Currency { get; set; } = "";
    public string Perks { get; set; } = "";
    /// <summary>Null: any number of members.</summary>
    public int? MemberLimit { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum MembershipStatus
{
    /// <summary>Joined, first payment not made yet; holds a seat until <see cref="Membership.HoldUntil"/>.</summary>
    Pending,
    Active,
    /// <summary>A renewal failed: access lasts a grace period past the paid period, then lapses until a renewal lands.</summary>
    PastDue,
    Ended,
}

/// <summary>
/// One fan's membership of one tier. <see cref="AccessUntil"/> is the one thing access is decided by
/// (<see cref="MembershipAccess"/>); the status and the signal times explain it and let late webhooks be ordered.
/// </summary>
public sealed class Membership
{
    public Guid Id { get; set; }
    public Guid TierId { get; set; }
    public Guid EntityId { get; set; }
    public Guid UserId { get; set; }
    public MembershipStatus Status { get; set; }
    /// <summary>The monthly price this membership was bought at (a later tier price change does not touch it).</summary>
    public long PriceMinor { get; set; }
    public string Currency { get; set; } = "";
    /// <summary>Null while pending. Active: the period end; past due: period end + grace; ended: when it ended.</summary>
    public DateTimeOffset? AccessUntil { get; set; }
    public DateTimeOffset? CurrentPeriodEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public string? StripeSubscriptionId { get; set; }
    public string? StripeCustomerId { get; set; }
    public string? StripeCheckoutSessionId { get; set; }
    /// <summary>The order of the first payment, when paid through Payments' test payments.</summary>
    public Guid? OrderId { get; set; }
    /// <summary>Paid with simulated payments: renewals are simulated too.</summary>
    public bool IsTest { get; set; }
    /// <summary>While pending: when the seat it holds is given back.</summary>
    public DateTimeOffset? HoldUntil { get; set; }
    /// <summary>When the newest payment that counted was made (event created time), to order late deliveries.</summary>
    public DateTimeOffset? PaidSignalAt { get; set; }
    /// <summary>When the newest failed renewal happened; past due while it is newer than <see cref="PaidSignalAt"/>.</summary>
    public DateTimeOffset? FailedSignalAt { get; set; }
    /// <summary>When <see cref="CancelAtPeriodEnd"/> was last set, so an older subscription update cannot undo it.</summary>
    public DateTimeOffset? CancelSignalAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    public bool HasAccess(DateTimeOffset now) => AccessUntil is { } until && until > now;
}

internal sealed class MembershipTierConfiguration : IEntityTypeConfiguration<MembershipTier>
{
    public void Configure(EntityTypeBuilder<MembershipTier> b)
    {
        b.ToTable("membership_tiers");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(80);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Perks).HasMaxLength(2000);
        b.HasIndex(x => new { x.EntityId, x.Rank });
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.ToTable("memberships");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.StripeSubscriptionId).HasMaxLength(255);
        b.Property(x => x.StripeCustomerId).HasMaxLength(255);
        b.Property(x => x.StripeCheckoutSessionId).HasMaxLength(255);
        b.HasIndex(x => x.StripeSubscriptionId).IsUnique();
        b.HasIndex(x => new { x.EntityId, x.UserId }).IsUnique().HasFilter("status <> 'Ended'");
        b.HasIndex(x => new { x.TierId, x.Status });
        b.HasIndex(x => x.UserId);
        b.HasIndex(x => x.OrderId);
        b.HasIndex(x => new { x.EntityId, x.AccessUntil });
        b.HasOne<MembershipTier>().WithMany().HasForeignKey(x => x.TierId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Entities;

public enum EntityKind { Artist, Venue, Organisation }

public enum EntityRole { Owner, Manager, Coordinator }

/// <summary>An artist, venue or organisation that runs events.</summary>
public sealed class Entity
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public EntityKind Kind { get; set; }
    public string Bio { get; set; } = "";
    public string[] Genres { get; set; } = [];
    public string[] Links { get; set; } = [];
    public string? City { get; set; }
    public string? Country { get; set; }
    public bool IsVerified { get; set; }
    public DateTimeOffset? SuspendedAt { get; set; }
    public string? SuspensionReason { get; set; }
    public Guid? AvatarAssetId { get; set; }
    public Guid? BannerAssetId { get; set; }
    /// <summary>Maintained in the same transaction as the follow rows (see the follow feature).</summary>
    public int FollowerCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public List<EntityMember> Members { get; set; } = [];
}

public sealed class EntityMember
{
    public Guid EntityId { get; set; }
    public Guid UserId { get; set; }
    public EntityRole Role { get; set; }
    public DateTimeOffset AddedAt { get; set; }

    public Entity? Entity { get; set; }
    public AppUser? User { get; set; }
}

internal sealed class EntityConfiguration : IEntityTypeConfiguration<Entity>
{
    public void Configure(EntityTypeBuilder<Entity> b)
    {
        b.ToTable("entities");
        b.HasKey(x => x.Id);
        b.Property(x => x.Slug).HasMaxLength(80);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Name).HasMaxLength(120);
        b.Property(x => x.Kind).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Bio).HasMaxLength(4000);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.Country).HasMaxLength(2);
        b.Property(x => x.SuspensionReason).HasMaxLength(500);
    }
}

internal sealed class EntityMemberConfiguration : IEntityTypeConfiguration<EntityMember>
{
    public void Configure(EntityTypeBuilder<EntityMember> b)
    {
        b.ToTable("entity_members");
        b.HasKey(x => new { x.EntityId, x.UserId });
        b.Property(x => x.Role).HasConversion<string>().HasColumnType("text");
        b.HasOne(x => x.Entity).WithMany(e => e.Members).HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.UserId);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Assets;

public enum AssetKind { Image, Audio, Video, Document }

/// <summary>An uploaded file. The bytes live in the asset store under <see cref="StorageKey"/>; this row says who may see them.</summary>
public sealed class Asset
{
    public Guid Id { get; set; }
    public Guid OwnerUserId { get; set; }
    /// <summary>Set when the asset belongs to an entity (its managers may manage it); deleting the entity deletes it.</summary>
    public Guid? EntityId { get; set; }
    public AssetKind Kind { get; set; }
    public string ContentType { get; set; } = "";
    public string FileName { get; set; } = "";
    public long SizeBytes { get; set; }
    public string StorageKey { get; set; } = "";
    public bool IsPrivate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public AppUser? Owner { get; set; }
    public Entity? Entity { get; set; }
}

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> b)
    {
        b.ToTable("assets");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.Property(x => x.FileName).HasMaxLength(255);
        b.Property(x => x.StorageKey).HasMaxLength(300);
        b.HasIndex(x => x.StorageKey).IsUnique();
        b.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerUserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Entity).WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.OwnerUserId);
        b.HasIndex(x => x.EntityId);
    }
}

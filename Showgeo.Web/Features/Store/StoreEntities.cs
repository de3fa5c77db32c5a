using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tours;

namespace Showgeo.Web.Features.Store;

public enum ProductKind { Physical, Digital }

/// <summary>Who may see and buy a product (beyond the entity's team, who always see it).</summary>
public enum ProductVisibility { Draft, Public, Followers, TicketHolders }

/// <summary>
/// Something an entity sells in its store, optionally shown on one of its events or tours. Stock lives on its
/// variants (a product without options has exactly one, unnamed), so every purchase holds a variant row.
/// </summary>
public sealed class Product
{
    public Guid Id { get; set; }
    public Guid EntityId { get; set; }
    /// <summary>Shown on this event's page and counted towards its sales.</summary>
    public Guid? EventId { get; set; }
    /// <summary>Shown on this tour's page.</summary>
    public Guid? TourId { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public ProductKind Kind { get; set; }
    public long PriceMinor { get; set; }
    public string Currency { get; set; } = "";
    public ProductVisibility Visibility { get; set; }
    /// <summary>For <see cref="ProductVisibility.TicketHolders"/>: holders of a valid ticket to this event.</summary>
    public Guid? HoldersEventId { get; set; }
    /// <summary>Before this instant the product shows a countdown and cannot be bought.</summary>
    public DateTimeOffset? DropAt { get; set; }
    /// <summary>When <see cref="ProductDropped"/> was raised for it (once, by the publish or by <see cref="ProductDropJob"/>).</summary>
    public DateTimeOffset? DroppedAt { get; set; }
    public Guid[] ImageAssetIds { get; set; } = [];
    /// <summary>The private asset a digital product delivers.</summary>
    public Guid? DigitalAssetId { get; set; }
    public int MaxPerOrder { get; set; } = 10;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<ProductVariant> Variants { get; set; } = [];

    /// <summary>On sale at <paramref name="now"/> as far as the drop time goes (visibility is <see cref="ProductAccess"/>'s).</summary>
    public bool DroppedBy(DateTimeOffset now) => DropAt is not { } at || at <= now;
}

/// <summary>One buyable option of a product (a size, a colour, or the product itself). Null stock: unlimited (digital).</summary>
public sealed class ProductVariant
{
    public Guid Id { get; set; }
    public Guid ProductId { get; set; }
    /// <summary>Empty for the single variant of a product without options.</summary>
    public string Name { get; set; } = "";
    public int? Stock { get; set; }
    public int Sold { get; set; }
    public int Held { get; set; }
    public int Position { get; set; }

    public int? Available => Stock is { } s ? Math.Max(0, s - Sold - Held) : null;
}

/// <summary>A fan's cart: one per account, or a guest's, found by a random id in a cookie.</summary>
public sealed class Cart
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<CartLine> Lines { get; set; } = [];
}

public sealed class CartLine
{
    public Guid CartId { get; set; }
    public Guid VariantId { get; set; }
    public int Quantity { get; set; }
    /// <summary>The unit price the fan was shown when adding (or last accepted): checkout refuses a different one.</summary>
    public long SeenUnitPriceMinor { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>What a store order adds to Payments' order: its store, the shipping address and the shipping state.</summary>
public sealed class StoreOrder
{
    public Guid OrderId { get; set; }
    public Guid EntityId { get; set; }
    public bool RequiresShipping { get; set; }
    public string? ShipName { get; set; }
    public string? ShipLine1 { get; set; }
    public string? ShipLine2 { get; set; }
    public string? ShipCity { get; set; }
    public string? ShipPostcode { get; set; }
    public string? ShipCountry { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
    public Guid? ShippedByUserId { get; set; }
}

/// <summary>One order line of a store order: the product it sold, and whether it was refunded (its refundable unit).</summary>
public sealed class StoreOrderLine
{
    public Guid OrderLineId { get; set; }
    public Guid OrderId { get; set; }
    public Guid ProductId { get; set; }
    public Guid VariantId { get; set; }
    /// <summary>The product's event at purchase time, for sales per event.</summary>
    public Guid? EventId { get; set; }
    public bool IsDigital { get; set; }
    public DateTimeOffset? RefundedAt { get; set; }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.HasKey(x => x.Id);
        b.Property(x => x.Slug).HasMaxLength(80);
        b.Property(x => x.Name).HasMaxLength(120);
        b.Property(x => x.Description).HasMaxLength(4000);
        b.Property(x => x.Kind).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Visibility).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Currency).HasMaxLength(3);
        b.HasIndex(x => new { x.EntityId, x.Slug }).IsUnique();
        b.HasIndex(x => new { x.DroppedAt, x.DropAt });
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.HoldersEventId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Tour>().WithMany().HasForeignKey(x => x.TourId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Asset>().WithMany().HasForeignKey(x => x.DigitalAssetId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(x => x.Variants).WithOne().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProductVariantConfiguration : IEntityTypeConfiguration<ProductVariant>
{
    public void Configure(EntityTypeBuilder<ProductVariant> b)
    {
        b.ToTable("product_variants");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(60);
        b.Ignore(x => x.Available);
        b.HasIndex(x => x.ProductId);
    }
}

internal sealed class CartConfiguration : IEntityTypeConfiguration<Cart>
{
    public void Configure(EntityTypeBuilder<Cart> b)
    {
        b.ToTable("carts");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.UserId).IsUnique();
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.CartId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CartLineConfiguration : IEntityTypeConfiguration<CartLine>
{
    public void Configure(EntityTypeBuilder<CartLine> b)
    {
        b.ToTable("cart_lines");
        b.HasKey(x => new { x.CartId, x.VariantId });
        b.HasOne<ProductVariant>().WithMany().HasForeignKey(x => x.VariantId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.VariantId);
    }
}

internal sealed class StoreOrderConfiguration : IEntityTypeConfiguration<StoreOrder>
{
    public void Configure(EntityTypeBuilder<StoreOrder> b)
    {
        b.ToTable("store_orders");
        b.HasKey(x => x.OrderId);
        b.Property(x => x.ShipName).HasMaxLength(120);
        b.Property(x => x.ShipLine1).HasMaxLength(200);
        b.Property(x => x.ShipLine2).HasMaxLength(200);
        b.Property(x => x.ShipCity).HasMaxLength(100);
        b.Property(x => x.ShipPostcode).HasMaxLength(20);
        b.Property(x => x.ShipCountry).HasMaxLength(2);
        b.HasOne<Order>().WithOne().HasForeignKey<StoreOrder>(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.EntityId);
    }
}

internal sealed class StoreOrderLineConfiguration : IEntityTypeConfiguration<StoreOrderLine>
{
    public void Configure(EntityTypeBuilder<StoreOrderLine> b)
    {
        b.ToTable("store_order_lines");
        b.HasKey(x => x.OrderLineId);
        b.HasOne<OrderLine>().WithOne().HasForeignKey<StoreOrderLine>(x => x.OrderLineId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.OrderId);
        b.HasIndex(x => x.ProductId);
        b.HasIndex(x => x.EventId);
    }
}

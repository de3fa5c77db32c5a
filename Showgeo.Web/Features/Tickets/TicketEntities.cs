using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// A kind of ticket for one event. <see cref="Sold"/> and <see cref="Held"/> are only ever changed by conditional
/// SQL updates inside the purchasing transaction (see <see cref="TicketInventory"/>), so sold + held never exceeds capacity.
/// </summary>
public sealed class TicketType
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Name { get; set; } = "";
    public long PriceMinor { get; set; }
    /// <summary>ISO 4217, upper case.</summary>
    public string Currency { get; set; } = "";
    public int Capacity { get; set; }
    public int Sold { get; set; }
    public int Held { get; set; }
    public DateTimeOffset? SaleStartsAt { get; set; }
    public DateTimeOffset? SaleEndsAt { get; set; }
    public int MaxPerOrder { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum OrderStatus { Pending, Paid, Failed, Expired, Cancelled, Refunded, PartiallyRefunded }

public enum TicketStatus { Valid, Used, Refunded }

public enum RefundStatus { Pending, Succeeded, Failed }

/// <summary>One checkout. While Pending its lines hold seats until <see cref="HoldExpiresAt"/>.</summary>
public sealed class Order
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid EventId { get; set; }
    public OrderStatus Status { get; set; }
    public long TotalMinor { get; set; }
    public long RefundedMinor { get; set; }
    public string Currency { get; set; } = "";
    public string Provider { get; set; } = "";
    public string? ProviderSessionId { get; set; }
    public string? ProviderPaymentId { get; set; }
    public DateTimeOffset HoldExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    /// <summary>When the hold ended without payment (failed, expired, abandoned).</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid TicketTypeId { get; set; }
    /// <summary>The ticket type's name at purchase time, for receipts.</summary>
    public string Name { get; set; } = "";
    public int Quantity { get; set; }
    public long UnitPriceMinor { get; set; }
}

public sealed class Ticket
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid TicketTypeId { get; set; }
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>Random part plus HMAC signature (see <see cref="TicketCodes"/>); what the QR code carries.</summary>
    public string Code { get; set; } = "";
    public TicketStatus Status { get; set; }
    public long PriceMinor { get; set; }
    public long RefundedMinor { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Refund
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    /// <summary>Tickets this refund cancels (empty for an amount-only refund).</summary>
    public Guid[] TicketIds { get; set; } = [];
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "";
    public RefundStatus Status { get; set; }
    public string Reason { get; set; } = "";
    public string? ProviderRefundId { get; set; }
    public Guid? ByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Every payment notification we acted on, by the provider's id: a replay hits the unique index and does nothing.</summary>
public sealed class PaymentEvent
{
    public Guid Id { get; set; }
    public string Provider { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string Type { get; set; } = "";
    public Guid? OrderId { get; set; }
    public string Outcome { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class TicketTypeConfiguration : IEntityTypeConfiguration<TicketType>
{
    public void Configure(EntityTypeBuilder<TicketType> b)
    {
        b.ToTable("ticket_types");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(120);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.EventId);
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Provider).HasMaxLength(20);
        b.Property(x => x.ProviderSessionId).HasMaxLength(255);
        b.Property(x => x.ProviderPaymentId).HasMaxLength(255);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
        b.HasIndex(x => new { x.EventId, x.Status });
        b.HasIndex(x => new { x.Status, x.HoldExpiresAt });
        b.HasIndex(x => x.ProviderPaymentId);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> b)
    {
        b.ToTable("order_lines");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(120);
        b.HasOne<TicketType>().WithMany().HasForeignKey(x => x.TicketTypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.OrderId);
        b.HasIndex(x => x.TicketTypeId);
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> b)
    {
        b.ToTable("tickets");
        b.HasKey(x => x.Id);
        b.Property(x => x.Code).HasMaxLength(64);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TicketType>().WithMany().HasForeignKey(x => x.TicketTypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.OrderId);
        b.HasIndex(x => x.TicketTypeId);
        b.HasIndex(x => new { x.EventId, x.Status });
        b.HasIndex(x => x.UserId);
    }
}

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> b)
    {
        b.ToTable("refunds");
        b.HasKey(x => x.Id);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Reason).HasMaxLength(200);
        b.Property(x => x.ProviderRefundId).HasMaxLength(255);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.OrderId);
    }
}

internal sealed class PaymentEventConfiguration : IEntityTypeConfiguration<PaymentEvent>
{
    public void Configure(EntityTypeBuilder<PaymentEvent> b)
    {
        b.ToTable("payment_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Provider).HasMaxLength(20);
        b.Property(x => x.ExternalId).HasMaxLength(255);
        b.Property(x => x.Type).HasMaxLength(100);
        b.Property(x => x.Outcome).HasMaxLength(200);
        b.HasIndex(x => new { x.Provider, x.ExternalId }).IsUnique();
        b.HasIndex(x => x.OrderId);
    }
}

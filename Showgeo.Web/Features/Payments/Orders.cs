using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Payments;

public enum OrderStatus { Pending, Paid, Failed, Expired, Cancelled, Refunded, PartiallyRefunded }

public enum RefundStatus { Pending, Succeeded, Failed }

/// <summary>
/// One checkout of one kind (tickets, store, membership…). Payments knows its money and its lifecycle; what it sells is
/// the kind's business (see <see cref="IOrderKind"/>). While Pending its lines hold stock until <see cref="HoldExpiresAt"/>.
/// </summary>
public sealed class Order
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>Which <see cref="IOrderKind"/> fulfils it, e.g. <c>tickets</c>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>What the kind sells against (the event, for tickets); null for kinds that sell against nothing.</summary>
    public Guid? ReferenceId { get; set; }
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
    /// <summary>The kind's item (a ticket type, a product variant…).</summary>
    public Guid ItemId { get; set; }
    /// <summary>The item's name at purchase time, for receipts.</summary>
    public string Name { get; set; } = "";
    public int Quantity { get; set; }
    public long UnitPriceMinor { get; set; }
}

public sealed class Refund
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    /// <summary>The kind's units this refund cancels (tickets, for ticket orders); empty for an amount-only refund.</summary>
    public Guid[] UnitIds { get; set; } = [];
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

public static class OrderLocks
{
    /// <summary>
    /// Locks the order row for the rest of the caller's transaction. Every change to an order's status or money takes
    /// this lock first, so a webhook, the test-payment page, a refund and the hold-release job can race on one order
    /// and only one of them acts on each state.
    /// </summary>
    public static async Task<Order?> LockOrderAsync(this ShowgeoDb db, Guid orderId, CancellationToken ct) =>
        (await db.Set<Order>().FromSql($"SELECT * FROM orders WHERE id = {orderId} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasMaxLength(40);
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Provider).HasMaxLength(20);
        b.Property(x => x.ProviderSessionId).HasMaxLength(255);
        b.Property(x => x.ProviderPaymentId).HasMaxLength(255);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
        b.HasIndex(x => new { x.Kind, x.ReferenceId, x.Status });
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
        b.HasIndex(x => x.OrderId);
        b.HasIndex(x => x.ItemId);
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

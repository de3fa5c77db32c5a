using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

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

public enum TicketStatus { Valid, Used, Refunded }

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

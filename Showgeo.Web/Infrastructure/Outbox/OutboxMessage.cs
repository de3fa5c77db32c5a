using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Showgeo.Web.Infrastructure.Outbox;

public enum OutboxStatus { Pending, Delivered, Dead }

/// <summary>One domain event waiting for (or done with) delivery.</summary>
public sealed class OutboxMessage
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; set; }
    /// <summary>The event record's type name.</summary>
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "{}";
    public DateTimeOffset OccurredAt { get; set; }
    public OutboxStatus Status { get; set; }
    /// <summary>Deliveries started so far (a claim counts, even if the instance died before finishing).</summary>
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    public static OutboxMessage For(IDomainEvent e, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Type = e.GetType().Name,
        Payload = JsonSerializer.Serialize(e, e.GetType(), Json),
        OccurredAt = now,
        Status = OutboxStatus.Pending,
        NextAttemptAt = now,
    };
}

/// <summary>A handler that has finished with a message.</summary>
public sealed class OutboxDelivery
{
    public Guid MessageId { get; set; }
    public string Handler { get; set; } = "";
    public DateTimeOffset DeliveredAt { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(x => x.Id);
        b.Property(x => x.Type).HasMaxLength(200);
        b.Property(x => x.Payload).HasColumnType("jsonb");
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
    }
}

internal sealed class OutboxDeliveryConfiguration : IEntityTypeConfiguration<OutboxDelivery>
{
    public void Configure(EntityTypeBuilder<OutboxDelivery> b)
    {
        b.ToTable("outbox_deliveries");
        b.HasKey(x => new { x.MessageId, x.Handler });
        b.Property(x => x.Handler).HasMaxLength(200);
        b.HasOne<OutboxMessage>().WithMany().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

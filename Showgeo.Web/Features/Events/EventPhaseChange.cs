using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Events;

/// <summary>One recorded move of an event from one phase to another: who, when, and an optional note.</summary>
public sealed class EventPhaseChange
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public EventPhase FromPhase { get; set; }
    public EventPhase ToPhase { get; set; }
    /// <summary>Null only once the account that made the change has been deleted; the history itself stays.</summary>
    public Guid? ChangedByUserId { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? Note { get; set; }

    public Event? Event { get; set; }
    public AppUser? ChangedBy { get; set; }
}

internal sealed class EventPhaseChangeConfiguration : IEntityTypeConfiguration<EventPhaseChange>
{
    public void Configure(EntityTypeBuilder<EventPhaseChange> b)
    {
        b.ToTable("event_phase_changes");
        b.HasKey(x => x.Id);
        b.Property(x => x.FromPhase).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.ToPhase).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Note).HasMaxLength(500);
        b.HasOne(x => x.Event).WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.ChangedBy).WithMany().HasForeignKey(x => x.ChangedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => new { x.EventId, x.ChangedAt });
    }
}

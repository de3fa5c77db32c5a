using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Events;

public enum RsvpStatus { Going, Interested }

/// <summary>A fan's answer to a free event. One row per fan and event; counts are taken from these rows on read.</summary>
public sealed class Rsvp
{
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public RsvpStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public Event? Event { get; set; }
    public AppUser? User { get; set; }
}

internal sealed class RsvpConfiguration : IEntityTypeConfiguration<Rsvp>
{
    public void Configure(EntityTypeBuilder<Rsvp> b)
    {
        b.ToTable("rsvps");
        b.HasKey(x => new { x.EventId, x.UserId });
        b.Property(x => x.Status).HasConversion<string>().HasColumnType("text");
        b.HasOne(x => x.Event).WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.UserId);
    }
}

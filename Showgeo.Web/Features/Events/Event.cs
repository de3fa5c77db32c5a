using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Events;

public enum EventPhase { Draft, Pre, Live, Post, Cancelled }

/// <summary>Who may see an event; Members: members of <see cref="Event.MembersTierId"/> or a tier ranked above it.</summary>
public enum EventVisibility { Public, Unlisted, Followers, Members }

/// <summary>An event run by an entity. Ticketing, streaming and lifecycle features extend this table.</summary>
public sealed class Event
{
    public Guid Id { get; set; }
    public Guid EntityId { get; set; }
    public Guid? TourId { get; set; }
    public Guid? ArtAssetId { get; set; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    /// <summary>IANA zone the event is local to, used to show local times at the venue.</summary>
    public string TimeZone { get; set; } = "UTC";
    public string? VenueName { get; set; }
    public string? City { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public bool IsOnline { get; set; }
    /// <summary>A recorded show played at its start time rather than performed live.</summary>
    public bool IsPrerecorded { get; set; }
    /// <summary>
    /// Set by the organiser: fans RSVP instead of buying tickets. Stored rather than derived from ticket types so the
    /// page knows what to offer before any ticket type exists.
    /// </summary>
    public bool IsFree { get; set; }
    /// <summary>ISO 3166-1 alpha-2 codes where fans may RSVP or buy; empty means everywhere (see ViewerCountry).</summary>
    public string[] AllowedCountries { get; set; } = [];
    public string[] Genres { get; set; } = [];
    public EventVisibility Visibility { get; set; }
    /// <summary>For <see cref="EventVisibility.Members"/>: the lowest tier whose members may see the event.</summary>
    public Guid? MembersTierId { get; set; }
    public EventPhase Phase { get; set; }
    /// <summary>Only signed-in viewers may watch the stream (on a free event: those who RSVP'd "going").</summary>
    public bool StreamRequiresSignIn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public Entity? Entity { get; set; }
}

internal sealed class EventConfiguration : IEntityTypeConfiguration<Event>
{
    public void Configure(EntityTypeBuilder<Event> b)
    {
        b.ToTable("events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Slug).HasMaxLength(120);
        b.HasIndex(x => x.Slug).IsUnique();
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(10000);
        b.Property(x => x.TimeZone).HasMaxLength(64);
        b.Property(x => x.VenueName).HasMaxLength(200);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.Country).HasMaxLength(2);
        b.Property(x => x.Visibility).HasConversion<string>().HasColumnType("text");
        b.Property(x => x.Phase).HasConversion<string>().HasColumnType("text");
        b.HasOne(x => x.Entity).WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.EntityId);
        b.HasOne<Tours.Tour>().WithMany().HasForeignKey(x => x.TourId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.TourId);
        b.HasIndex(x => x.StartsAt);
        b.HasOne<Memberships.MembershipTier>().WithMany().HasForeignKey(x => x.MembersTierId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.MembersTierId);
    }
}

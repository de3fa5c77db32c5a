using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// A signed-in viewer's place on an event's stage. The viewer raises a hand, the host invites; only a seat with both
/// may publish (<see cref="IsOnStage"/>), the rule of LiveKit's livestream example
/// (https://github.com/livekit-examples/livestream).
/// </summary>
public sealed class StageSeat
{
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public string DisplayName { get; set; } = "";
    public DateTimeOffset? HandRaisedAt { get; set; }
    public DateTimeOffset? InvitedAt { get; set; }
    public Guid? InvitedByUserId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsOnStage => HandRaisedAt is not null && InvitedAt is not null;
}

/// <summary>The uploaded video a prerecorded event plays from its scheduled start.</summary>
public sealed class EventPremiere
{
    public Guid EventId { get; set; }
    public Guid AssetId { get; set; }
    public DateTimeOffset ChosenAt { get; set; }
}

internal sealed class StageSeatConfiguration : IEntityTypeConfiguration<StageSeat>
{
    public void Configure(EntityTypeBuilder<StageSeat> b)
    {
        b.ToTable("stage_seats");
        b.HasKey(x => new { x.EventId, x.UserId });
        b.Property(x => x.DisplayName).HasMaxLength(100);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.InvitedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.UserId);
        b.HasIndex(x => x.InvitedByUserId);
        b.Ignore(x => x.IsOnStage);
    }
}

internal sealed class EventPremiereConfiguration : IEntityTypeConfiguration<EventPremiere>
{
    public void Configure(EntityTypeBuilder<EventPremiere> b)
    {
        b.ToTable("event_premieres");
        b.HasKey(x => x.EventId);
        b.HasOne<Event>().WithOne().HasForeignKey<EventPremiere>(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Asset>().WithMany().HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.AssetId);
    }
}

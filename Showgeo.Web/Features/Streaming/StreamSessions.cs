using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>Who a participant was, as far as counting viewers goes.</summary>
public enum StreamParticipantRole { Viewer, Guest, Host, Ingress, Egress, Other }

/// <summary>One participant's time in an event's room, from participant_joined to participant_left (or aborted).</summary>
public sealed class StreamViewerSession
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Identity { get; set; } = "";
    public string ParticipantSid { get; set; } = "";
    public StreamParticipantRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
    public DateTimeOffset? LeftAt { get; set; }
}

/// <summary>A LiveKit webhook delivery, kept by its event id so a replay changes nothing.</summary>
public sealed class LiveKitWebhookEvent
{
    public Guid Id { get; set; }
    public string ExternalId { get; set; } = "";
    public string Event { get; set; } = "";
    public Guid EventId { get; set; }
    public string? ParticipantIdentity { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class StreamViewerSessionConfiguration : IEntityTypeConfiguration<StreamViewerSession>
{
    public void Configure(EntityTypeBuilder<StreamViewerSession> b)
    {
        b.ToTable("stream_viewer_sessions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Identity).HasMaxLength(200);
        b.Property(x => x.ParticipantSid).HasMaxLength(100);
        b.Property(x => x.Role).HasConversion<string>().HasColumnType("text");
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EventId, x.ParticipantSid }).IsUnique();
    }
}

internal sealed class LiveKitWebhookEventConfiguration : IEntityTypeConfiguration<LiveKitWebhookEvent>
{
    public void Configure(EntityTypeBuilder<LiveKitWebhookEvent> b)
    {
        b.ToTable("livekit_webhook_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.ExternalId).HasMaxLength(100);
        b.HasIndex(x => x.ExternalId).IsUnique();
        b.Property(x => x.Event).HasMaxLength(50);
        b.Property(x => x.ParticipantIdentity).HasMaxLength(200);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.EventId);
    }
}

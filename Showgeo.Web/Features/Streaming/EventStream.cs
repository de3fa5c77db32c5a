using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// An event's stream, one row per event, made the first time anything about it happens (room created, ingress made,
/// recording started, webhook seen): the room, the OBS ingress, the recording in progress and the replay.
/// </summary>
public sealed class EventStream
{
    public Guid EventId { get; set; }
    public string RoomName { get; set; } = "";
    public DateTimeOffset? RoomStartedAt { get; set; }
    public DateTimeOffset? RoomFinishedAt { get; set; }
    public string? IngressId { get; set; }
    /// <summary>RTMP or WHIP.</summary>
    public string? IngressKind { get; set; }
    public string? IngressUrl { get; set; }
    // REVIEW: the stream key is stored as LiveKit returns it; it only lets someone publish into this event's room and
    // is regenerated (the old ingress deleted) whenever a manager asks.
    public string? IngressStreamKey { get; set; }
    public string? RecordingEgressId { get; set; }
    public DateTimeOffset? RecordingStartedAt { get; set; }
    public string? ReplayUrl { get; set; }
    public int? ReplayDurationSeconds { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What the watch page needs to offer a replay.</summary>
public sealed record StreamReplay(string Url, TimeSpan? Duration);

public static class EventStreamQueries
{
    /// <summary>The replay registered for <paramref name="eventId"/> (a finished recording), or null.</summary>
    public static Task<StreamReplay?> ReplayFor(this ShowgeoDb db, Guid eventId, CancellationToken ct = default) =>
        db.Set<EventStream>().AsNoTracking().Where(s => s.EventId == eventId && s.ReplayUrl != null)
            .Select(s => new StreamReplay(s.ReplayUrl!, s.ReplayDurationSeconds == null ? null : TimeSpan.FromSeconds(s.ReplayDurationSeconds.Value)))
            .FirstOrDefaultAsync(ct);

    /// <summary>The event's stream row, tracked, created (not yet saved) when missing.</summary>
    public static async Task<EventStream> StreamRowAsync(this ShowgeoDb db, Guid eventId, DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.Set<EventStream>().SingleOrDefaultAsync(s => s.EventId == eventId, ct);
        if (row is not null) return row;
        row = new EventStream { EventId = eventId, RoomName = StreamRooms.RoomName(eventId), UpdatedAt = now };
        db.Add(row);
        return row;
    }
}

internal sealed class EventStreamConfiguration : IEntityTypeConfiguration<EventStream>
{
    public void Configure(EntityTypeBuilder<EventStream> b)
    {
        b.ToTable("event_streams");
        b.HasKey(x => x.EventId);
        b.Property(x => x.RoomName).HasMaxLength(100);
        b.HasIndex(x => x.RoomName).IsUnique();
        b.Property(x => x.IngressId).HasMaxLength(100);
        b.Property(x => x.IngressKind).HasMaxLength(10);
        b.Property(x => x.IngressUrl).HasMaxLength(500);
        b.Property(x => x.IngressStreamKey).HasMaxLength(200);
        b.Property(x => x.RecordingEgressId).HasMaxLength(100);
        b.Property(x => x.ReplayUrl).HasMaxLength(2000);
        b.HasOne<Event>().WithOne().HasForeignKey<EventStream>(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// A past show with viewer numbers, so the manager's stream page (Edit event → Stream) draws its chart without a
/// LiveKit server: a 90-minute room with the host and sixty viewers joining, dropping out and coming back.
/// </summary>
public static class StreamingDemoData
{
    public static async Task SeedAsync(ShowgeoDb db, Event past, CancellationToken ct)
    {
        var start = past.StartsAt;
        var end = start.AddMinutes(90);
        db.Add(new EventStream
        {
            EventId = past.Id, RoomName = StreamRooms.RoomName(past), RoomStartedAt = start.AddMinutes(-5), RoomFinishedAt = end,
            UpdatedAt = end,
        });
        db.Add(Session(past.Id, "demo-host", "PA_demo_host", StreamParticipantRole.Host, start.AddMinutes(-5), end));
        // Fixed seed: the same demo every time.
        var random = new Random(20261202);
        for (var i = 0; i < 60; i++)
        {
            // Most arrive in the first quarter hour; a few drift in later.
            var joined = start.AddMinutes(random.Next(100) < 75 ? random.Next(0, 15) : random.Next(15, 70)).AddSeconds(random.Next(60));
            var left = joined.AddMinutes(random.Next(10, 95));
            if (left > end) left = end;
            db.Add(Session(past.Id, $"demo-viewer-{i}", $"PA_demo_{i}", StreamParticipantRole.Viewer, joined, left));
            if (i % 7 == 0 && left < end.AddMinutes(-10))
            {
                var back = left.AddMinutes(random.Next(1, 5));
                var gone = back.AddMinutes(random.Next(5, 20));
                db.Add(Session(past.Id, $"demo-viewer-{i}", $"PA_demo_{i}_again", StreamParticipantRole.Viewer, back, gone < end ? gone : end));
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static StreamViewerSession Session(Guid eventId, string identity, string sid, StreamParticipantRole role, DateTimeOffset joined, DateTimeOffset left) =>
        new() { Id = Guid.CreateVersion7(), EventId = eventId, Identity = identity, ParticipantSid = sid, Role = role, JoinedAt = joined, LeftAt = left };
}

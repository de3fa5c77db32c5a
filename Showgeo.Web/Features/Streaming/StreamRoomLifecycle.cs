using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// Opens the event's LiveKit room when the event goes LIVE and closes it when it ends (POST or cancelled). Runs from
/// the outbox, so a LiveKit failure is retried there and never undoes the phase change; without LiveKit it does nothing.
/// </summary>
public sealed class StreamRoomLifecycle(IOptions<LiveKitOptions> options, LiveKitRoomService rooms, StreamRecordings recordings,
    ShowgeoDb db, TimeProvider clock, ILogger<StreamRoomLifecycle> log) : IDomainEventHandler<EventPhaseChanged>
{
    public async Task HandleAsync(EventPhaseChanged e, DomainEventContext context, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) return;
        var room = StreamRooms.RoomName(e.EventId);
        switch (e.To)
        {
            case EventPhase.Live:
                await rooms.CreateRoomAsync(room, TimeSpan.FromSeconds(o.EmptyTimeoutSeconds), ct: ct);
                await db.StreamRowAsync(e.EventId, clock.GetUtcNow(), ct);
                await db.SaveChangesAsync(ct);
                log.LogInformation("Opened LiveKit room {Room} for event {EventId}", room, e.EventId);
                break;
            case EventPhase.Post or EventPhase.Cancelled:
                // A recording still running is stopped first, so its file is finalised (egress_ended follows).
                await recordings.StopIfRunningAsync(e.EventId, ct);
                try
                {
                    await rooms.DeleteRoomAsync(room, ct);
                }
                catch (LiveKitException ex) when (ex.Code == "not_found")
                {
                    // Already gone: LiveKit closed it after its empty timeout.
                }
                log.LogInformation("Closed LiveKit room {Room} for event {EventId}", room, e.EventId);
                break;
        }
    }
}

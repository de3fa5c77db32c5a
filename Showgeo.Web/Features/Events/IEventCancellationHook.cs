namespace Showgeo.Web.Features.Events;

/// <summary>Called after an event is cancelled so features that hold money or seats for it can unwind.</summary>
public interface IEventCancellationHook
{
    Task OnCancelledAsync(Guid eventId, Guid byUserId, CancellationToken ct);
}

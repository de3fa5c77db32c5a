namespace Showgeo.Web.Features.Events;

/// <summary>
/// Asked before an event is cancelled: cancelling refunds its paid orders, so it is a money decision. Implemented by
/// the feature that sells against events (Tickets), so Events needs to know nothing about orders.
/// </summary>
public interface IEventMoneyCheck
{
    /// <summary>Whether any order for the event is paid and still holds money (Paid or PartiallyRefunded).</summary>
    Task<bool> HasPaidOrdersAsync(Guid eventId, CancellationToken ct);
}

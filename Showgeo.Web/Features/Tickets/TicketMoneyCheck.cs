using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Tickets;

/// <summary>Tells Events whether cancelling an event would refund ticket money.</summary>
public sealed class TicketMoneyCheck(ShowgeoDb db) : IEventMoneyCheck
{
    public Task<bool> HasPaidOrdersAsync(Guid eventId, CancellationToken ct) =>
        db.Set<Order>().ForEvent(eventId)
            .AnyAsync(o => o.Status == OrderStatus.Paid || o.Status == OrderStatus.PartiallyRefunded, ct);
}

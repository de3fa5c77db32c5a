using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Tickets;

/// <summary>A cancelled event refunds every paid order in full and releases every seat still on hold.</summary>
public sealed class TicketsCancellationHook(ShowgeoDb db, RefundService refunds, OrderFulfilment fulfilment, ILogger<TicketsCancellationHook> log)
    : IEventCancellationHook
{
    public async Task OnCancelledAsync(Guid eventId, Guid byUserId, CancellationToken ct)
    {
        var orders = await db.Set<Order>().AsNoTracking()
            .Where(o => o.EventId == eventId && (o.Status == OrderStatus.Pending || o.Status == OrderStatus.Paid || o.Status == OrderStatus.PartiallyRefunded))
            .Select(o => new { o.Id, o.Status }).ToListAsync(ct);
        foreach (var o in orders)
        {
            if (o.Status == OrderStatus.Pending)
            {
                await fulfilment.ReleaseAsync(o.Id, OrderStatus.Cancelled, null, ct);
                continue;
            }
            var result = await refunds.RefundAsync(new RefundAsk(o.Id, Reason: "Event cancelled"), byUserId, ct);
            if (!result.Ok) log.LogError("Refund of order {Order} for cancelled event {Event} failed: {Message}", o.Id, eventId, result.Message);
        }
    }
}

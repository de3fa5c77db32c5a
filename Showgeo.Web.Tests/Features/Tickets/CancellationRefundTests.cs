using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class CancellationRefundTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Cancelling_an_event_refunds_every_paid_order_and_releases_holds()
    {
        var a = await app.EventWithTicketsAsync();
        await app.PaidOrderAsync(a, 2);
        await app.PendingOrderAsync(a, 1);

        // Through the real lifecycle, as the manager's Cancel button does.
        var cancelled = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(
            a.Event.Id, a.Event.Phase, EventPhase.Cancelled, Principal(a.Manager.Id), "Venue flooded", CancellationToken.None));
        Assert.True(cancelled.Succeeded, cancelled.Error);
        Assert.Null(cancelled.Error);

        // The refunds run in the EventCancelled handler, in the background.
        var progress = await Eventually.ValueAsync(async () =>
        {
            await using var read = app.CreateDb();
            return await CancellationProgress.ForEventAsync(read, a.Event.Id, CancellationToken.None);
        }, p => p is { Finished: true }, "the cancellation refunds to finish");
        Assert.Equal((2, 2, 0), (progress!.Total, progress.Done, progress.Failures.Count));

        await using var db = app.CreateDb();
        var orders = await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ToListAsync();
        Assert.Equal([OrderStatus.Cancelled, OrderStatus.Refunded], orders.Select(o => o.Status).Order().ToArray());
        Assert.All(await db.Set<Ticket>().Where(t => t.EventId == a.Event.Id).ToListAsync(), t => Assert.Equal(TicketStatus.Refunded, t.Status));
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 0), (type.Sold, type.Held));
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class HoldLimitTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task One_account_cannot_hold_more_than_three_unpaid_orders_for_one_event()
    {
        var a = await app.EventWithTicketsAsync(capacity: 50);
        var buyer = await app.UserAsync();
        for (var i = 0; i < 3; i++) await app.PendingOrderAsync(a, 2, buyer);
        using var client = await app.SignedInAsync(buyer);

        using var refused = await client.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        Assert.False(refused.IsRedirect());
        Assert.Contains("You already have 3 unpaid orders for this event", await refused.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        Assert.Equal(3, await db.Set<Order>().CountAsync(o => o.ReferenceId == a.Event.Id && o.UserId == buyer.Id));
        Assert.Equal(6, (await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == a.Type.Id)).Held);

        // Another fan is not affected, and neither is this one once an order is no longer pending.
        await app.PendingOrderAsync(a, 1);
        await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id && o.UserId == buyer.Id).Take(1)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        using var allowed = await client.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        Assert.True(allowed.IsRedirect());
    }

    [Fact]
    public async Task A_payment_that_lands_after_the_event_ended_is_refunded_and_seats_nobody()
    {
        var a = await app.EventWithTicketsAsync(capacity: 10);
        var buyer = await app.UserAsync();
        using var client = await app.SignedInAsync(buyer);
        using var checkout = await client.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        var payPage = await client.GetAsync(checkout.Headers.Location!.OriginalString);
        await using (var db = app.CreateDb())
            await db.Set<Event>().Where(e => e.Id == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Phase, EventPhase.Post));

        using var paid = await client.SubmitRawAsync(payPage.Document, "form[action$='handler=Pay']");
        Assert.True(paid.IsRedirect());

        await using var check = app.CreateDb();
        var order = await check.Set<Order>().AsNoTracking().SingleAsync(o => o.ReferenceId == a.Event.Id && o.UserId == buyer.Id);
        Assert.Equal((OrderStatus.Refunded, order.TotalMinor), (order.Status, order.RefundedMinor));
        Assert.False(await check.Set<Ticket>().AnyAsync(t => t.OrderId == order.Id));
        Assert.Equal(RefundStatus.Succeeded, (await check.Set<Refund>().AsNoTracking().SingleAsync(r => r.OrderId == order.Id)).Status);
        var type = await check.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 0), (type.Sold, type.Held));
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.CheckInPage;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>Refunds an organiser makes from the ticket admin page, through the local test provider.</summary>
public sealed class RefundTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Manager_refunds_one_ticket_and_its_seat_returns_and_it_no_longer_admits()
    {
        var a = await app.EventWithTicketsAsync();
        await app.PaidOrderAsync(a, 2);
        using var manager = await app.SignedInAsync(a.Manager);
        var admin = await manager.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets");
        var result = await manager.SubmitAsync(admin.Document, "form[action*='handler=RefundTicket']");
        Assert.Contains("Refunded 25.00 EUR", result.Text);

        await using (var db = app.CreateDb())
        {
            var refunded = await db.Set<Ticket>().SingleAsync(t => t.EventId == a.Event.Id && t.Status == TicketStatus.Refunded);
            Assert.Equal(1, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Sold);
            Assert.Equal(OrderStatus.PartiallyRefunded, (await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id)).Status);
            Assert.Equal("REFUNDED", await ScanAsync(manager, a, refunded.Code));
        }
    }

    [Fact]
    public async Task Partial_amount_refund_keeps_tickets_and_over_refunding_is_refused()
    {
        var a = await app.EventWithTicketsAsync();
        await app.PaidOrderAsync(a, 2);
        using var manager = await app.SignedInAsync(a.Manager);
        var admin = await manager.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets");
        var result = await manager.SubmitAsync(admin.Document, "form[action*='handler=RefundAmount']", new Dictionary<string, string> { ["amount"] = "10.00" });
        Assert.Contains("Refunded 10.00 EUR", result.Text);
        var tooMuch = await manager.SubmitAsync(result.Document, "form[action*='handler=RefundAmount']", new Dictionary<string, string> { ["amount"] = "45.00" });
        Assert.Contains("At most 40.00 EUR can still be refunded", tooMuch.Text);
        var nonsense = await manager.SubmitAsync(result.Document, "form[action*='handler=RefundAmount']", new Dictionary<string, string> { ["amount"] = "-3" });
        Assert.Contains("Enter the amount to refund", nonsense.Text);

        await using var db = app.CreateDb();
        var order = await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id);
        Assert.Equal((OrderStatus.PartiallyRefunded, 1000L), (order.Status, order.RefundedMinor));
        Assert.Equal(2, await db.Set<Ticket>().CountAsync(t => t.OrderId == order.Id && t.Status == TicketStatus.Valid));
        Assert.Equal(1, await db.Set<Refund>().CountAsync(r => r.OrderId == order.Id));
    }
}

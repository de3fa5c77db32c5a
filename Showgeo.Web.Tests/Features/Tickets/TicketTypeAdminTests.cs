using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class TicketTypeAdminTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Manager_adds_a_ticket_type_and_bad_values_get_clear_messages_without_writing()
    {
        var a = await app.EventWithTicketsAsync();
        using var manager = await app.SignedInAsync(a.Manager);
        var admin = await manager.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets");
        var bad = await manager.SubmitAsync(admin.Document, "#ticket-type-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "VIP", ["Input.Price"] = "12.345", ["Input.Currency"] = "USD", ["Input.Capacity"] = "0",
            ["Input.SaleEndsAt"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm"),
        });
        Assert.Contains("already sells tickets in EUR", bad.Text);
        Assert.Contains("Capacity must be between", bad.Text);
        Assert.Contains("must end in the future", bad.Text);
        var badPrice = await manager.SubmitAsync(admin.Document, "#ticket-type-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "VIP", ["Input.Price"] = "-5", ["Input.Currency"] = "EUR",
        });
        Assert.Contains("Enter a price", badPrice.Text);
        await using (var db = app.CreateDb())
            Assert.Equal(1, await db.Set<TicketType>().CountAsync(t => t.EventId == a.Event.Id));

        var ok = await manager.SubmitAsync(admin.Document, "#ticket-type-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "VIP", ["Input.Price"] = "80.50", ["Input.Currency"] = "eur", ["Input.Capacity"] = "20", ["Input.MaxPerOrder"] = "2",
        });
        Assert.Contains("Added VIP", ok.Text);
        await using (var db = app.CreateDb())
        {
            var vip = await db.Set<TicketType>().SingleAsync(t => t.EventId == a.Event.Id && t.Name == "VIP");
            Assert.Equal((8050L, "EUR", 20, 2), (vip.PriceMinor, vip.Currency, vip.Capacity, vip.MaxPerOrder));
        }
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.TicketsArrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class CheckInAndRefundTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Coordinator_checks_a_ticket_in_then_a_second_scan_says_already_used()
    {
        var (a, codes) = await PaidTicketsAsync(2);
        var coordinator = await UserAsync(app, $"coord-{Guid.NewGuid():N}@example.com");
        await AddMemberAsync(app, a.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var door = await SignedInAsync(app, coordinator.Email!);

        Assert.Equal("VALID", await ScanAsync(door, a, codes[0]));
        var again = await ScanAsync(door, a, codes[0], htmx: false);
        Assert.Equal("ALREADY USED", again);
        Assert.Equal("VALID", await ScanAsync(door, a, codes[1], htmx: false));
    }

    [Fact]
    public async Task Two_doors_scanning_the_same_ticket_at_once_admit_it_exactly_once()
    {
        var (a, codes) = await PaidTicketsAsync(1);
        using var door1 = await SignedInAsync(app, a.Manager.Email!);
        using var door2 = await SignedInAsync(app, a.Manager.Email!);
        for (var round = 0; round < 1; round++)
        {
            var results = await Task.WhenAll(ScanAsync(door1, a, codes[0]), ScanAsync(door2, a, codes[0]));
            Assert.Equal(["ALREADY USED", "VALID"], results.Order().ToArray());
        }
        await using var db = app.CreateDb();
        var ticket = await db.Set<Ticket>().SingleAsync(t => t.Code == codes[0]);
        Assert.Equal(TicketStatus.Used, ticket.Status);
        Assert.NotNull(ticket.UsedAt);
    }

    [Fact]
    public async Task Unknown_forged_and_other_event_codes_are_refused_and_nothing_changes()
    {
        var (a, _) = await PaidTicketsAsync(1);
        var (other, otherCodes) = await PaidTicketsAsync(1);
        using var door = await SignedInAsync(app, a.Manager.Email!);
        Assert.Equal("UNKNOWN", await ScanAsync(door, a, "not-a-ticket"));
        var forged = otherCodes[0][..^2] + (otherCodes[0].EndsWith("AA") ? "BB" : "AA");
        Assert.Equal("UNKNOWN", await ScanAsync(door, a, forged));
        Assert.Equal("WRONG EVENT", await ScanAsync(door, a, otherCodes[0]));
        await using var db = app.CreateDb();
        Assert.Equal(TicketStatus.Valid, (await db.Set<Ticket>().SingleAsync(t => t.Code == otherCodes[0])).Status);
        Assert.NotEqual(a.Event.Id, other.Event.Id);
    }

    [Fact]
    public async Task A_fan_who_is_not_a_member_cannot_open_check_in_or_ticket_admin()
    {
        var (a, _) = await PaidTicketsAsync(1);
        var outsider = await UserAsync(app, $"outsider-{Guid.NewGuid():N}@example.com");
        var coordinator = await UserAsync(app, $"c2-{Guid.NewGuid():N}@example.com");
        await AddMemberAsync(app, a.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var fan = await SignedInAsync(app, outsider.Email!);
        using var coord = await SignedInAsync(app, coordinator.Email!);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.Http.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coord.Http.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coord.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin")).Status);
    }

    [Fact]
    public async Task Manager_refunds_one_ticket_and_its_seat_returns_and_it_no_longer_admits()
    {
        var (a, codes) = await PaidTicketsAsync(2);
        using var manager = await SignedInAsync(app, a.Manager.Email!);
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
        var (a, _) = await PaidTicketsAsync(2);
        using var manager = await SignedInAsync(app, a.Manager.Email!);
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

    [Fact]
    public async Task Cancelling_an_event_refunds_every_paid_order_and_releases_holds()
    {
        var (a, _) = await PaidTicketsAsync(2);
        var waiting = await UserAsync(app, $"wait-{Guid.NewGuid():N}@example.com");
        using var fan = await SignedInAsync(app, waiting.Email!);
        Assert.True((await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 1))).IsRedirect());

        // Through the real lifecycle, as the manager's Cancel button does.
        var cancelled = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>().ChangeAsync(
            a.Event.Id, a.Event.Phase, EventPhase.Cancelled,
            new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, a.Manager.Id.ToString())], "test")),
            "Venue flooded", CancellationToken.None));
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

    [Fact]
    public async Task Manager_adds_a_ticket_type_and_bad_values_get_clear_messages_without_writing()
    {
        var a = await EventWithTicketsAsync(app);
        using var manager = await SignedInAsync(app, a.Manager.Email!);
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

    private async Task<(Arranged, string[] Codes)> PaidTicketsAsync(int quantity)
    {
        var a = await EventWithTicketsAsync(app);
        var email = $"holder-{Guid.NewGuid():N}@example.com";
        await UserAsync(app, email);
        using var fan = await SignedInAsync(app, email);
        await BuyAndPayAsync(fan, a.Event.Id, a.Type.Id, quantity);
        var wallet = await fan.GetAsync("/me/tickets");
        var codes = wallet.Document.QuerySelectorAll("[data-testid=ticket-code]").Select(c => c.TextContent.Trim()).ToArray();
        Assert.Equal(quantity, codes.Length);
        return (a, codes);
    }

    private static async Task<string> ScanAsync(Infrastructure.WebClient door, Arranged a, string code, bool htmx = true)
    {
        var page = await door.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin");
        if (htmx)
        {
            var response = await door.SubmitRawAsync(page.Document, "#checkin-form", new Dictionary<string, string> { ["Code"] = code }, htmx: true);
            var fragment = Infrastructure.WebClient.Parse(await response.Content.ReadAsStringAsync());
            Assert.Null(fragment.QuerySelector("header.site-header"));
            return fragment.QuerySelector("#checkin-result strong")!.TextContent;
        }
        var result = await door.SubmitAsync(page.Document, "#checkin-form", new Dictionary<string, string> { ["Code"] = code });
        return result.Document.QuerySelector("#checkin-result strong")!.TextContent;
    }
}

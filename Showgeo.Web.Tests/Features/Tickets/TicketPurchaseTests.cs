using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class TicketPurchaseTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Fan_buys_two_tickets_with_test_payment_and_sees_them_in_wallet_with_qr_codes()
    {
        var a = await app.EventWithTicketsAsync(capacity: 10);
        using var fan = await app.SignedInAsync(await app.UserAsync("buyer1@example.com"));

        var checkout = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        Assert.True(checkout.IsRedirect());
        var pay = await fan.GetAsync(checkout.Headers.Location!.ToString());
        Assert.Contains("TEST PAYMENT", pay.Text);
        Assert.Contains("50.00 EUR", pay.Text);
        await using (var db = app.CreateDb())
            Assert.Equal(2, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Held);

        var receipt = await fan.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        Assert.Equal("Paid", receipt.Document.QuerySelector("[data-testid=order-status]")?.TextContent);

        var wallet = await fan.GetAsync("/me/tickets");
        var tickets = wallet.Document.QuerySelectorAll("[data-testid=wallet-ticket]");
        Assert.Equal(2, tickets.Length);
        Assert.All(tickets, t => Assert.StartsWith("data:image/png;base64,", t.QuerySelector("img")!.GetAttribute("src")));
        await using (var db = app.CreateDb())
        {
            var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
            Assert.Equal((2, 0), (type.Sold, type.Held));
        }
    }

    [Fact]
    public async Task Lapsed_hold_is_released_lazily_when_a_buyer_finds_the_type_sold_out()
    {
        var a = await app.EventWithTicketsAsync(capacity: 1);
        await app.PendingOrderAsync(a, 1, await app.UserAsync("lazy1@example.com"));
        using var second = await app.SignedInAsync(await app.UserAsync("lazy2@example.com"));
        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.True((await second.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1))).IsRedirect());
    }

    public static TheoryData<string, string> BadQuantities => new()
    {
        { "0", "Choose how many tickets" },
        { "-1", "cannot be negative" },
        { "5", "at most 4" },
        { "two", "whole numbers" },
    };

    [Theory]
    [MemberData(nameof(BadQuantities))]
    public async Task Bad_quantities_get_a_clear_message_and_write_nothing(string quantity, string message)
    {
        var a = await app.EventWithTicketsAsync(maxPerOrder: 4);
        var email = $"bad-{Guid.NewGuid():N}@example.com";
        using var fan = await app.SignedInAsync(await app.UserAsync(email));
        var response = await fan.CheckoutAsync(a.Event.Id, new Dictionary<string, string> { [$"Quantities[{a.Type.Id}]"] = quantity });
        var page = await fan.FollowAsync(response);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(message, page.Document.QuerySelector("#event-tickets [role=alert]")?.TextContent ?? "");
        await AssertNothingWrittenAsync(a.Event.Id);
    }

    [Fact]
    public async Task Ticket_type_of_another_event_and_tampered_price_are_refused_or_ignored()
    {
        var a = await app.EventWithTicketsAsync();
        var other = await app.EventWithTicketsAsync();
        using var fan = await app.SignedInAsync(await app.UserAsync("tamper@example.com"));

        var page = await fan.FollowAsync(await fan.CheckoutAsync(a.Event.Id, Qty(other.Type.Id, 1)));
        Assert.Contains("not sold for this event", page.Text);
        await AssertNothingWrittenAsync(a.Event.Id);
        await AssertNothingWrittenAsync(other.Event.Id);

        // Extra fields a tamperer might add never reach the price: it comes from the ticket type.
        var fields = Qty(a.Type.Id, 1);
        fields["PriceMinor"] = "1";
        fields["Currency"] = "USD";
        var checkout = await fan.CheckoutAsync(a.Event.Id, fields);
        Assert.True(checkout.IsRedirect());
        await using var db = app.CreateDb();
        var order = await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id);
        Assert.Equal((2500L, "EUR"), (order.TotalMinor, order.Currency));
    }

    [Fact]
    public async Task Closed_sale_window_and_draft_events_do_not_sell()
    {
        var a = await app.EventWithTicketsAsync();
        await using (var db = app.CreateDb())
            await db.Set<TicketType>().Where(t => t.Id == a.Type.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.SaleEndsAt, DateTimeOffset.UtcNow.AddMinutes(-5)));
        using var fan = await app.SignedInAsync(await app.UserAsync("window@example.com"));
        var page = await fan.GetAsync($"/checkout/{a.Event.Id}");
        Assert.Contains("Sales ended", page.Text);
        var response = await fan.PostAsync($"/checkout/{a.Event.Id}", page.Document, Qty(a.Type.Id, 1));
        Assert.Contains("have ended", await response.Content.ReadAsStringAsync());
        await AssertNothingWrittenAsync(a.Event.Id);

        var post = await app.EventWithTicketsAsync(phase: EventPhase.Post);
        response = await fan.PostAsync($"/checkout/{post.Event.Id}", page.Document, Qty(post.Type.Id, 1));
        Assert.Contains("not on sale", await response.Content.ReadAsStringAsync());
        await AssertNothingWrittenAsync(post.Event.Id);
    }

    [Fact]
    public async Task Htmx_checkout_navigates_with_hx_redirect_and_errors_come_back_as_the_ticket_fragment()
    {
        var a = await app.EventWithTicketsAsync();
        using var fan = await app.SignedInAsync(await app.UserAsync("htmx@example.com"));
        var ok = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1), htmx: true);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.StartsWith("/pay/test/", ok.Headers.GetValues("HX-Redirect").Single());

        var bad = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 9), htmx: true);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        Assert.Contains("id=\"event-tickets\"", html);
    }

    private async Task AssertNothingWrittenAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Order>().CountAsync(o => o.ReferenceId == eventId));
        Assert.True(await db.Set<TicketType>().Where(t => t.EventId == eventId).AllAsync(t => t.Held == 0 && t.Sold == 0));
    }
}

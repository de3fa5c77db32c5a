using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.TicketsArrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class TicketPurchaseTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Fan_buys_two_tickets_with_test_payment_and_sees_them_in_wallet_with_qr_codes()
    {
        var a = await EventWithTicketsAsync(app, capacity: 10);
        await UserAsync(app, "buyer1@example.com");
        using var fan = await SignedInAsync(app, "buyer1@example.com");

        var checkout = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 2));
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
    public async Task Paying_twice_issues_tickets_once()
    {
        var a = await EventWithTicketsAsync(app);
        await UserAsync(app, "double@example.com");
        using var fan = await SignedInAsync(app, "double@example.com");
        var checkout = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 1));
        var pay = await fan.GetAsync(checkout.Headers.Location!.ToString());
        await fan.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        await fan.SubmitRawAsync(pay.Document, "form[action$='handler=Pay']");
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Ticket>().CountAsync(t => t.EventId == a.Event.Id));
    }

    [Theory]
    [InlineData("Abandon", "Cancelled")]
    [InlineData("Fail", "Failed")]
    public async Task Abandoned_or_failed_payment_releases_the_hold(string button, string status)
    {
        var a = await EventWithTicketsAsync(app, capacity: 2);
        var email = $"quit-{button}@example.com";
        await UserAsync(app, email);
        using var fan = await SignedInAsync(app, email);
        var checkout = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 2));
        var pay = await fan.GetAsync(checkout.Headers.Location!.ToString());
        var receipt = await fan.SubmitAsync(pay.Document, $"form[action$='handler={button}']");
        Assert.Equal(status, receipt.Document.QuerySelector("[data-testid=order-status]")?.TextContent);
        await using var db = app.CreateDb();
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 0), (type.Sold, type.Held));
        Assert.Equal(0, await db.Set<Ticket>().CountAsync(t => t.EventId == a.Event.Id));
    }

    [Fact]
    public async Task Expired_holds_return_seats_to_the_next_buyer()
    {
        var a = await EventWithTicketsAsync(app, capacity: 2);
        await UserAsync(app, "slow@example.com");
        await UserAsync(app, "late@example.com");
        using var slow = await SignedInAsync(app, "slow@example.com");
        using var late = await SignedInAsync(app, "late@example.com");
        Assert.True((await CheckoutAsync(slow, a.Event.Id, Qty(a.Type.Id, 2))).IsRedirect());

        var soldOut = await late.FollowAsync(await CheckoutAsync(late, a.Event.Id, Qty(a.Type.Id, 1)));
        Assert.Contains("Sold out", soldOut.Text);

        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var released = await app.WithScopeAsync(sp => sp.GetRequiredService<HoldReleaseJob>().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, released);

        await BuyAndPayAsync(late, a.Event.Id, a.Type.Id, 2);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(OrderStatus.Expired, (await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id && o.Status != OrderStatus.Paid)).Status);
            var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
            Assert.Equal((2, 0), (type.Sold, type.Held));
        }
    }

    [Fact]
    public async Task Lapsed_hold_is_released_lazily_when_a_buyer_finds_the_type_sold_out()
    {
        var a = await EventWithTicketsAsync(app, capacity: 1);
        await UserAsync(app, "lazy1@example.com");
        await UserAsync(app, "lazy2@example.com");
        using var first = await SignedInAsync(app, "lazy1@example.com");
        using var second = await SignedInAsync(app, "lazy2@example.com");
        Assert.True((await CheckoutAsync(first, a.Event.Id, Qty(a.Type.Id, 1))).IsRedirect());
        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.True((await CheckoutAsync(second, a.Event.Id, Qty(a.Type.Id, 1))).IsRedirect());
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
        var a = await EventWithTicketsAsync(app, maxPerOrder: 4);
        var email = $"bad-{Guid.NewGuid():N}@example.com";
        await UserAsync(app, email);
        using var fan = await SignedInAsync(app, email);
        var response = await CheckoutAsync(fan, a.Event.Id, new Dictionary<string, string> { [$"Quantities[{a.Type.Id}]"] = quantity });
        var page = await fan.FollowAsync(response);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(message, page.Document.QuerySelector("#event-tickets [role=alert]")?.TextContent ?? "");
        await AssertNothingWrittenAsync(a.Event.Id);
    }

    [Fact]
    public async Task Ticket_type_of_another_event_and_tampered_price_are_refused_or_ignored()
    {
        var a = await EventWithTicketsAsync(app);
        var other = await EventWithTicketsAsync(app);
        await UserAsync(app, "tamper@example.com");
        using var fan = await SignedInAsync(app, "tamper@example.com");

        var page = await fan.FollowAsync(await CheckoutAsync(fan, a.Event.Id, Qty(other.Type.Id, 1)));
        Assert.Contains("not sold for this event", page.Text);
        await AssertNothingWrittenAsync(a.Event.Id);
        await AssertNothingWrittenAsync(other.Event.Id);

        // Extra fields a tamperer might add never reach the price: it comes from the ticket type.
        var fields = Qty(a.Type.Id, 1);
        fields["PriceMinor"] = "1";
        fields["Currency"] = "USD";
        var checkout = await CheckoutAsync(fan, a.Event.Id, fields);
        Assert.True(checkout.IsRedirect());
        await using var db = app.CreateDb();
        var order = await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id);
        Assert.Equal((2500L, "EUR"), (order.TotalMinor, order.Currency));
    }

    [Fact]
    public async Task Closed_sale_window_and_draft_events_do_not_sell()
    {
        var a = await EventWithTicketsAsync(app);
        await using (var db = app.CreateDb())
            await db.Set<TicketType>().Where(t => t.Id == a.Type.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.SaleEndsAt, DateTimeOffset.UtcNow.AddMinutes(-5)));
        await UserAsync(app, "window@example.com");
        using var fan = await SignedInAsync(app, "window@example.com");
        var page = await fan.GetAsync($"/checkout/{a.Event.Id}");
        Assert.Contains("Sales ended", page.Text);
        var response = await fan.PostAsync($"/checkout/{a.Event.Id}", page.Document, Qty(a.Type.Id, 1));
        Assert.Contains("have ended", await response.Content.ReadAsStringAsync());
        await AssertNothingWrittenAsync(a.Event.Id);

        var post = await EventWithTicketsAsync(app, phase: EventPhase.Post);
        response = await fan.PostAsync($"/checkout/{post.Event.Id}", page.Document, Qty(post.Type.Id, 1));
        Assert.Contains("not on sale", await response.Content.ReadAsStringAsync());
        await AssertNothingWrittenAsync(post.Event.Id);
    }

    [Fact]
    public async Task Htmx_checkout_navigates_with_hx_redirect_and_errors_come_back_as_the_ticket_fragment()
    {
        var a = await EventWithTicketsAsync(app);
        await UserAsync(app, "htmx@example.com");
        using var fan = await SignedInAsync(app, "htmx@example.com");
        var ok = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 1), htmx: true);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.StartsWith("/pay/test/", ok.Headers.GetValues("HX-Redirect").Single());

        var bad = await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 9), htmx: true);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        Assert.Contains("id=\"event-tickets\"", html);
    }

    [Fact]
    public async Task Another_fan_cannot_open_or_pay_someone_elses_order()
    {
        var a = await EventWithTicketsAsync(app);
        await UserAsync(app, "owner-o@example.com");
        await UserAsync(app, "thief@example.com");
        using var owner = await SignedInAsync(app, "owner-o@example.com");
        using var thief = await SignedInAsync(app, "thief@example.com");
        var checkout = await CheckoutAsync(owner, a.Event.Id, Qty(a.Type.Id, 1));
        var url = checkout.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.NotFound, (await thief.GetAsync(url)).Status);
        var page = await owner.GetAsync(url);
        var attempt = await thief.PostAsync(url + "?handler=Pay", (await thief.GetAsync("/me/tickets")).Document);
        Assert.Equal(HttpStatusCode.NotFound, attempt.StatusCode);
        Assert.Contains("TEST PAYMENT", page.Text);
    }

    private async Task AssertNothingWrittenAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Order>().CountAsync(o => o.ReferenceId == eventId));
        Assert.True(await db.Set<TicketType>().Where(t => t.EventId == eventId).AllAsync(t => t.Held == 0 && t.Sold == 0));
    }
}

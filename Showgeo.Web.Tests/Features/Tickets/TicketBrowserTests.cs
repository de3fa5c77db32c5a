using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class TicketBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fan_buys_two_tickets_coordinator_checks_one_in_twice_and_manager_refunds_the_other(bool javaScript)
    {
        var a = await app.EventWithTicketsAsync(capacity: 20);
        var fan = await app.UserAsync($"pw-fan-{javaScript}@example.com", "Pat Fan");
        var coordinator = await app.UserAsync($"pw-door-{javaScript}@example.com", "Dora Door");
        await app.AddMemberAsync(a.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        var codes = new List<string>();

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync($"/checkout/{a.Event.Id}");
            await page.GetByLabel($"Quantity of {a.Type.Name}").FillAsync("2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Buy tickets" }).ClickAsync();
            await Expect(page.GetByText("TEST PAYMENT", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("order-total")).ToHaveTextAsync("50.00 EUR");
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)" }).ClickAsync();
            await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");

            await page.GotoAsync("/me/tickets");
            var tickets = page.GetByTestId("wallet-ticket");
            await Expect(tickets).ToHaveCountAsync(2);
            await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new("^QR code for ticket") })).ToHaveCountAsync(2);
            codes.AddRange(await page.GetByTestId("ticket-code").AllInnerTextsAsync());
        }, javaScript);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(coordinator);
            await page.GotoAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin");
            await page.GetByLabel("Ticket code").FillAsync(codes[0]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
            await Expect(page.Locator("#checkin-result strong")).ToHaveTextAsync("VALID");
            await page.GetByLabel("Ticket code").FillAsync(codes[0]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
            await Expect(page.Locator("#checkin-result strong")).ToHaveTextAsync("ALREADY USED");
        }, javaScript);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(a.Manager);
            await page.GotoAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets");
            await page.Locator("li[data-ticket]", new() { HasText = "Valid" }).GetByRole(AriaRole.Button, new() { Name = "Refund ticket" }).ClickAsync();
            await Expect(page.Locator("#ticket-admin .flash")).ToHaveTextAsync("Refunded 25.00 EUR.");
        }, javaScript);

        await using var db = app.CreateDb();
        var statuses = await db.Set<Ticket>().Where(t => t.EventId == a.Event.Id).Select(t => t.Status).ToListAsync();
        Assert.Equal([TicketStatus.Used, TicketStatus.Refunded], statuses.Order().ToArray());
        Assert.Equal(1, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Sold);
    }

    [Fact]
    public async Task Fan_who_abandons_the_test_payment_gets_the_seats_released()
    {
        var a = await app.EventWithTicketsAsync(capacity: 3);
        var fan = await app.UserAsync("pw-abandon@example.com");
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync($"/checkout/{a.Event.Id}");
            await page.GetByLabel($"Quantity of {a.Type.Name}").FillAsync("3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Buy tickets" }).ClickAsync();
            await Expect(page.GetByText("TEST PAYMENT", new() { Exact = true })).ToBeVisibleAsync();
            await page.GotoAsync($"/checkout/{a.Event.Id}");
            await Expect(page.Locator($"tr[data-ticket-type='{a.Type.Name}']")).ToContainTextAsync("Sold out");
            await page.GoBackAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Abandon" }).ClickAsync();
            await Expect(page.GetByText("Payment abandoned. Your hold was released.")).ToBeVisibleAsync();
            await page.GotoAsync($"/checkout/{a.Event.Id}");
            await Expect(page.Locator($"tr[data-ticket-type='{a.Type.Name}'] td").Nth(2)).ToHaveTextAsync("3");
        });
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>The local test-payment page that stands in for Stripe when no key is configured.</summary>
public sealed class TestPaymentPageTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Paying_twice_issues_tickets_once()
    {
        var a = await app.EventWithTicketsAsync();
        using var fan = await app.SignedInAsync(await app.UserAsync("double@example.com"));
        var checkout = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1));
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
        var a = await app.EventWithTicketsAsync(capacity: 2);
        var email = $"quit-{button}@example.com";
        using var fan = await app.SignedInAsync(await app.UserAsync(email));
        var checkout = await fan.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 2));
        var pay = await fan.GetAsync(checkout.Headers.Location!.ToString());
        var receipt = await fan.SubmitAsync(pay.Document, $"form[action$='handler={button}']");
        Assert.Equal(status, receipt.Document.QuerySelector("[data-testid=order-status]")?.TextContent);
        await using var db = app.CreateDb();
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((0, 0), (type.Sold, type.Held));
        Assert.Equal(0, await db.Set<Ticket>().CountAsync(t => t.EventId == a.Event.Id));
    }

    [Fact]
    public async Task Another_fan_cannot_open_or_pay_someone_elses_order()
    {
        var a = await app.EventWithTicketsAsync();
        using var owner = await app.SignedInAsync(await app.UserAsync("owner-o@example.com"));
        using var thief = await app.SignedInAsync(await app.UserAsync("thief@example.com"));
        var checkout = await owner.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1));
        var url = checkout.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.NotFound, (await thief.GetAsync(url)).Status);
        var page = await owner.GetAsync(url);
        var attempt = await thief.PostAsync(url + "?handler=Pay", (await thief.GetAsync("/me/tickets")).Document);
        Assert.Equal(HttpStatusCode.NotFound, attempt.StatusCode);
        Assert.Contains("TEST PAYMENT", page.Text);
    }
}

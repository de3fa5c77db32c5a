using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.CheckInPage;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class CheckInTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Coordinator_checks_a_ticket_in_then_a_second_scan_says_already_used()
    {
        var (a, codes) = await PaidTicketsAsync(2);
        var coordinator = await app.UserAsync($"coord-{Guid.NewGuid():N}@example.com");
        await app.AddMemberAsync(a.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var door = await app.SignedInAsync(coordinator);

        Assert.Equal("VALID", await ScanAsync(door, a, codes[0]));
        var again = await ScanAsync(door, a, codes[0], htmx: false);
        Assert.Equal("ALREADY USED", again);
        Assert.Equal("VALID", await ScanAsync(door, a, codes[1], htmx: false));
    }

    [Fact]
    public async Task Two_doors_scanning_the_same_ticket_at_once_admit_it_exactly_once()
    {
        var (a, codes) = await PaidTicketsAsync(1);
        using var door1 = await app.SignedInAsync(a.Manager);
        using var door2 = await app.SignedInAsync(a.Manager);
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
        using var door = await app.SignedInAsync(a.Manager);
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
        var outsider = await app.UserAsync($"outsider-{Guid.NewGuid():N}@example.com");
        var coordinator = await app.UserAsync($"c2-{Guid.NewGuid():N}@example.com");
        await app.AddMemberAsync(a.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var fan = await app.SignedInAsync(outsider);
        using var coord = await app.SignedInAsync(coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.Http.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coord.Http.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coord.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin")).Status);
    }

    private async Task<(TicketedEvent, string[] Codes)> PaidTicketsAsync(int quantity)
    {
        var a = await app.EventWithTicketsAsync();
        var (order, _) = await app.PaidOrderAsync(a, quantity);
        await using var db = app.CreateDb();
        var codes = await db.Set<Ticket>().Where(t => t.OrderId == order.Id).Select(t => t.Code).ToArrayAsync();
        Assert.Equal(quantity, codes.Length);
        return (a, codes);
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Events.EventPages;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Events;

/// <summary>Cancelling refunds paid orders, so with money at stake only roles that may manage money can cancel.</summary>
public sealed class CancellationPermissionTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.PartiallyRefunded)]
    public async Task Coordinator_is_refused_cancelling_an_event_with_paid_orders_and_nothing_changes(OrderStatus status)
    {
        var tickets = await app.EventWithTicketsAsync();
        var paid = await app.PaidOrderAsync(tickets, 2);
        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.Id == paid.Order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, status));
        var (client, coordinator) = await app.SignedInUserAsync(displayName: "Coco Ordinator");
        await app.AddMemberAsync(tickets.Entity.Id, coordinator.Id, EntityRole.Coordinator);

        var edit = await client.GetAsync(EditUrl(tickets.Entity, tickets.Event));
        var refused = await client.SubmitAsync(edit.Document, "#phase-form", submitName: "to", submitValue: "Cancelled");

        Assert.Contains("only an owner or manager can cancel it",
            refused.Document.QuerySelector("[data-testid=phase-error]")?.TextContent);
        Assert.Equal(["Live", "Cancelled"], refused.Document.QuerySelectorAll("#phase-form button[name=to]").Select(b => b.GetAttribute("value")));
        await using var after = app.CreateDb();
        Assert.Equal(EventPhase.Pre, await after.Set<Event>().Where(e => e.Id == tickets.Event.Id).Select(e => e.Phase).SingleAsync());
        Assert.Equal(0, await after.Set<EventPhaseChange>().CountAsync(c => c.EventId == tickets.Event.Id));
        Assert.Equal(status, await after.Set<Order>().Where(o => o.Id == paid.Order.Id).Select(o => o.Status).SingleAsync());
        var cancellations = await after.Set<OutboxMessage>().Where(m => m.Type == nameof(EventCancelled)).Select(m => m.Payload).ToListAsync();
        Assert.DoesNotContain(cancellations, p => p.Contains(tickets.Event.Id.ToString()));
        client.Dispose();
    }

    [Fact]
    public async Task Coordinator_may_cancel_an_event_whose_orders_are_unpaid()
    {
        var tickets = await app.EventWithTicketsAsync();
        await app.PendingOrderAsync(tickets, 1);
        var (client, coordinator) = await app.SignedInUserAsync(displayName: "Cora Cancel");
        await app.AddMemberAsync(tickets.Entity.Id, coordinator.Id, EntityRole.Coordinator);

        var edit = await client.GetAsync(EditUrl(tickets.Entity, tickets.Event));
        var cancelled = await client.SubmitAsync(edit.Document, "#phase-form", submitName: "to", submitValue: "Cancelled");

        Assert.Equal(EditUrl(tickets.Entity, tickets.Event), cancelled.Path);
        Assert.Null(cancelled.Document.QuerySelector("[data-testid=phase-error]"));
        await using var db = app.CreateDb();
        Assert.Equal(EventPhase.Cancelled, await db.Set<Event>().Where(e => e.Id == tickets.Event.Id).Select(e => e.Phase).SingleAsync());
        client.Dispose();
    }

    [Fact]
    public async Task Manager_cancels_an_event_with_paid_orders_and_they_are_refunded()
    {
        var tickets = await app.EventWithTicketsAsync();
        var paid = await app.PaidOrderAsync(tickets, 2);
        var (client, manager) = await app.SignedInUserAsync(displayName: "Mana Ger");
        await app.AddMemberAsync(tickets.Entity.Id, manager.Id, EntityRole.Manager);

        var edit = await client.GetAsync(EditUrl(tickets.Entity, tickets.Event));
        var cancelled = await client.SubmitAsync(edit.Document, "#phase-form", submitName: "to", submitValue: "Cancelled");

        Assert.Equal(EditUrl(tickets.Entity, tickets.Event), cancelled.Path);
        Assert.Null(cancelled.Document.QuerySelector("[data-testid=phase-error]"));
        await using (var db = app.CreateDb())
            Assert.Equal(EventPhase.Cancelled, await db.Set<Event>().Where(e => e.Id == tickets.Event.Id).Select(e => e.Phase).SingleAsync());
        await Eventually.TrueAsync(async () =>
        {
            await using var db = app.CreateDb();
            return await db.Set<Order>().Where(o => o.Id == paid.Order.Id).Select(o => o.Status).SingleAsync() == OrderStatus.Refunded;
        }, "the paid order is refunded");
        client.Dispose();
    }
}

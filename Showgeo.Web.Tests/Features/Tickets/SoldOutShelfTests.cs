using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>The app with a sold-out reading kept for a minute, so a test can tell an answer from memory from one read now.</summary>
public sealed class LongShelfApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Tickets:SoldOutAnswerSeconds"] = "60";
        return Task.CompletedTask;
    }
}

public sealed class SoldOutShelfTests(LongShelfApp app) : IClassFixture<LongShelfApp>
{
    private async Task<(int Orders, int Held, int Capacity)> StateAsync(TicketedEvent a)
    {
        await using var db = app.CreateDb();
        var type = await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == a.Type.Id);
        return (await db.Set<Order>().CountAsync(o => o.ReferenceId == a.Event.Id), type.Held, type.Capacity);
    }

    [Fact]
    public async Task After_a_sold_out_reading_later_buyers_hear_sold_out_from_memory_until_seats_come_back_here()
    {
        var a = await app.EventWithTicketsAsync(capacity: 1);
        await app.PendingOrderAsync(a, 1, await app.UserAsync("shelf-first@example.com"));
        using var second = await app.SignedInAsync(await app.UserAsync("shelf-second@example.com"));
        using (var refused = await second.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1), htmx: true))
        {
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("data-outcome=\"sold-out\"", html);
            Assert.DoesNotContain("<html", html);
        }

        // A seat appears behind this instance's back (as if another instance raised the capacity): the answer still
        // comes from the reading, and nothing is written for it.
        await using (var db = app.CreateDb())
            await db.Set<TicketType>().Where(t => t.Id == a.Type.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Capacity, 2));
        using var third = await app.SignedInAsync(await app.UserAsync("shelf-third@example.com"));
        using (var fromMemory = await third.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1), htmx: true))
            Assert.Contains("data-outcome=\"sold-out\"", await fromMemory.Content.ReadAsStringAsync());
        Assert.Equal((1, 1, 2), await StateAsync(a));

        // Seats given back on this instance (a lapsed hold released) empty the shelf at once: the next buyer is served.
        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<HoldReleaseJob>().RunOnceAsync(CancellationToken.None)));
        await third.BuyAndPayAsync(a.Event.Id, a.Type.Id, 1);
    }

    [Fact]
    public async Task A_reading_that_shows_seats_is_not_kept()
    {
        var a = await app.EventWithTicketsAsync(capacity: 3);
        using var buyer = await app.SignedInAsync(await app.UserAsync("shelf-roomy@example.com"));
        // Four of three left: refused as not enough, but seats remain, so nothing is kept for other buyers.
        using (var tooMany = await buyer.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 4), htmx: true))
            Assert.Contains("not enough", await tooMany.Content.ReadAsStringAsync());
        var shelf = app.Services.GetRequiredService<SoldOutShelf>();
        Assert.Null(shelf.Recent(a.Event.Id, DateTimeOffset.UtcNow));
        await buyer.BuyAndPayAsync(a.Event.Id, a.Type.Id, 3);
    }
}

public sealed class HoldAdmissionTests
{
    private static HoldAdmission Admission(int concurrency, int queue) =>
        new(Options.Create(new TicketingOptions { HoldConcurrency = concurrency, HoldQueueLimit = queue }));

    [Fact]
    public async Task Buyers_past_the_limit_wait_and_are_let_in_oldest_first()
    {
        using var admission = Admission(concurrency: 1, queue: 10);
        var first = await admission.EnterAsync(CancellationToken.None);
        Assert.NotNull(first);
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 3).Select(async i =>
        {
            var turn = await admission.EnterAsync(CancellationToken.None);
            lock (order) order.Add(i);
            turn!.Dispose();
        }).ToList();
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        first!.Dispose();
        await Task.WhenAll(waiting);
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public async Task A_full_queue_turns_the_buyer_away_instead_of_waiting()
    {
        using var admission = Admission(concurrency: 1, queue: 0);
        using var held = await admission.EnterAsync(CancellationToken.None);
        Assert.NotNull(held);
        Assert.Null(await admission.EnterAsync(CancellationToken.None));
    }
}

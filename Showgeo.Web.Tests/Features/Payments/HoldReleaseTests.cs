using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>The release job run by hand, so a test decides when holds lapse.</summary>
public sealed class HoldReleaseTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Expired_holds_return_seats_to_the_next_buyer()
    {
        var a = await app.EventWithTicketsAsync(capacity: 2);
        await app.PendingOrderAsync(a, 2, await app.UserAsync("slow@example.com"));
        using var late = await app.SignedInAsync(await app.UserAsync("late@example.com"));

        var soldOut = await late.FollowAsync(await late.CheckoutAsync(a.Event.Id, Qty(a.Type.Id, 1)));
        Assert.Contains("Sold out", soldOut.Text);

        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var released = await app.WithScopeAsync(sp => sp.GetRequiredService<HoldReleaseJob>().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, released);

        await late.BuyAndPayAsync(a.Event.Id, a.Type.Id, 2);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(OrderStatus.Expired, (await db.Set<Order>().SingleAsync(o => o.ReferenceId == a.Event.Id && o.Status != OrderStatus.Paid)).Status);
            var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
            Assert.Equal((2, 0), (type.Sold, type.Held));
        }
    }
}

/// <summary>The app with the release job scheduled every second.</summary>
public sealed class FastHoldReleaseApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Payments:HoldReleaseSeconds"] = "1";
        return Task.CompletedTask;
    }
}

public sealed class HoldReleaseScheduleTests(FastHoldReleaseApp app) : IClassFixture<FastHoldReleaseApp>
{
    [Fact]
    public async Task Lapsed_holds_are_released_by_the_scheduler_without_anyone_asking()
    {
        var a = await app.EventWithTicketsAsync(capacity: 2);
        await app.PendingOrderAsync(a, 2, await app.UserAsync("dawdler@example.com"));
        await using (var db = app.CreateDb())
            await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        OrderStatus status;
        do
        {
            await Task.Delay(200);
            await using var db = app.CreateDb();
            status = await db.Set<Order>().Where(o => o.ReferenceId == a.Event.Id).Select(o => o.Status).SingleAsync();
        } while (status == OrderStatus.Pending && DateTime.UtcNow < deadline);

        Assert.Equal(OrderStatus.Expired, status);
        await using (var db = app.CreateDb())
        {
            Assert.Equal(0, (await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id)).Held);
            Assert.True(await db.Set<ScheduledJobRun>().AnyAsync(r => r.Job == HoldReleaseJob.Name && r.FinishedAt != null));
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.TicketsArrange;

namespace Showgeo.Web.Tests.Features.Tickets;

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
        var a = await EventWithTicketsAsync(app, capacity: 2);
        await UserAsync(app, "dawdler@example.com");
        using var fan = await SignedInAsync(app, "dawdler@example.com");
        Assert.True((await CheckoutAsync(fan, a.Event.Id, Qty(a.Type.Id, 2))).IsRedirect());
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

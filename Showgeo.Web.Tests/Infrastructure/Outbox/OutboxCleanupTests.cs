using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Tests.Infrastructure.Outbox;

public sealed class OutboxCleanupTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Delivered_events_older_than_the_retention_are_deleted_and_pending_or_dead_ones_are_kept()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-8);
        OutboxMessage Message(OutboxStatus status, DateTimeOffset? deliveredAt)
        {
            var m = OutboxMessage.For(new OutboxProbe(Guid.NewGuid(), OutboxProbe.Ok), old);
            (m.Status, m.DeliveredAt, m.NextAttemptAt) = (status, deliveredAt, DateTimeOffset.UtcNow.AddDays(1));
            return m;
        }
        var stale = Message(OutboxStatus.Delivered, old);
        var recent = Message(OutboxStatus.Delivered, DateTimeOffset.UtcNow.AddDays(-1));
        var dead = Message(OutboxStatus.Dead, null);
        var pending = Message(OutboxStatus.Pending, null);
        await using (var db = app.CreateDb())
        {
            db.AddRange(stale, recent, dead, pending);
            db.Add(new OutboxDelivery { MessageId = stale.Id, Handler = "SomeHandler", DeliveredAt = old });
            await db.SaveChangesAsync();
        }

        var deleted = await app.WithScopeAsync(sp => sp.GetRequiredService<OutboxCleanupJob>().RunOnceAsync(CancellationToken.None));

        Assert.Equal(1, deleted);
        await using var check = app.CreateDb();
        var left = await check.Set<OutboxMessage>().Select(m => m.Id).ToListAsync();
        Assert.DoesNotContain(stale.Id, left);
        Assert.Contains(recent.Id, left);
        Assert.Contains(dead.Id, left);
        Assert.Contains(pending.Id, left);
        Assert.False(await check.Set<OutboxDelivery>().AnyAsync(d => d.MessageId == stale.Id));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Tests.Infrastructure.Outbox;

public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private readonly OutboxApp _app = new("a");

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task An_event_written_in_a_rolled_back_transaction_is_never_delivered()
    {
        var rolledBack = new OutboxProbe(Guid.NewGuid(), OutboxProbe.Ok);
        await using (var db = _app.CreateDb())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            db.AddDomainEvent(rolledBack, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        // A committed marker written after it: once the marker is delivered, the dispatcher has passed the rolled-back one.
        var marker = new OutboxProbe(Guid.NewGuid(), OutboxProbe.Ok);
        await _app.PublishAsync(marker);

        var calls = await Eventually.ValueAsync(() => ProbeCalls.AllAsync(_app.ConnectionString),
            c => c.Count(x => x.Probe == marker.Id) == 2, "the marker to reach both handlers");
        Assert.DoesNotContain(calls, c => c.Probe == rolledBack.Id);
        await using var check = _app.CreateDb();
        var payloads = await check.Set<OutboxMessage>().Where(m => m.Type == nameof(OutboxProbe)).Select(m => m.Payload).ToListAsync();
        Assert.DoesNotContain(payloads, p => p.Contains(rolledBack.Id.ToString()));
    }

    [Fact]
    public async Task Two_dispatchers_deliver_each_event_once_per_handler_and_retry_only_the_handler_that_failed()
    {
        var second = new OutboxApp("b", _app.ConnectionString);
        await second.InitializeAsync();
        try
        {
            var probes = Enumerable.Range(0, 40).Select(i => new OutboxProbe(Guid.NewGuid(), i % 2 == 0 ? OutboxProbe.FailOnce : OutboxProbe.Ok)).ToArray();
            await _app.PublishAsync(probes[..20]);
            await second.PublishAsync(probes[20..]);

            await Eventually.TrueAsync(async () => (await _app.StatusCountsAsync()).GetValueOrDefault(OutboxStatus.Delivered) == 40,
                "all 40 probes to be delivered");
            var calls = await ProbeCalls.AllAsync(_app.ConnectionString);
            foreach (var p in probes)
            {
                var mine = calls.Where(c => c.Probe == p.Id).ToList();
                Assert.Single(mine, c => c.Handler == nameof(SteadyProbeHandler));
                Assert.Single(mine, c => c.Handler == nameof(FlakyProbeHandler) && c.Outcome == "ok");
                Assert.Equal(p.Mode == OutboxProbe.FailOnce ? 1 : 0, mine.Count(c => c.Outcome == "failed"));
            }
            // Both instances took part (the claim is shared, not owned by whoever published).
            Assert.Equal(["a", "b"], calls.Select(c => c.Instance).Distinct().Order().ToArray());
            // Markers are written only where a retry needs them: the steady handler of each probe whose other handler failed.
            await using var db = _app.CreateDb();
            var markers = await db.Set<OutboxDelivery>().Select(d => d.Handler).ToListAsync();
            Assert.Equal(20, markers.Count);
            Assert.All(markers, h => Assert.Equal(nameof(SteadyProbeHandler), h));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_handler_loses_nothing_and_the_next_instance_finishes_the_work()
    {
        // Its own database, so the fixture's dispatcher cannot pick the message up instead.
        var doomed = new OutboxApp("doomed");
        await doomed.InitializeAsync();
        var next = new OutboxApp("next", doomed.ConnectionString);
        try
        {
            var probe = new OutboxProbe(Guid.NewGuid(), OutboxProbe.Hang);
            await doomed.PublishAsync(probe);
            await Eventually.TrueAsync(async () => (await ProbeCalls.AllAsync(doomed.ConnectionString)).Any(c => c.Probe == probe.Id && c.Outcome == "hung"),
                "the doomed instance to start the hanging handler");
            await doomed.StopAsync();
            await next.InitializeAsync();
            await Eventually.TrueAsync(async () => (await next.StatusCountsAsync()).GetValueOrDefault(OutboxStatus.Delivered) == 1,
                "the next instance to deliver the probe");
            var calls = (await ProbeCalls.AllAsync(next.ConnectionString)).Where(c => c.Probe == probe.Id).ToList();
            Assert.Single(calls, c => c.Handler == nameof(SteadyProbeHandler));
            Assert.Single(calls, c => c.Handler == nameof(FlakyProbeHandler) && c.Outcome == "ok" && c.Instance == "next");
        }
        finally
        {
            await next.DisposeAsync();
            await doomed.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_instance_is_taken_over_when_its_lease_runs_out()
    {
        var probe = new OutboxProbe(Guid.NewGuid(), OutboxProbe.Ok);
        var message = OutboxMessage.For(probe, DateTimeOffset.UtcNow);
        message.Attempts = 1;
        message.LockedUntil = DateTimeOffset.UtcNow.AddSeconds(2);
        await using (var db = _app.CreateDb())
        {
            db.Add(message);
            await db.SaveChangesAsync();
        }
        await Eventually.TrueAsync(async () => (await ProbeCalls.AllAsync(_app.ConnectionString)).Count(c => c.Probe == probe.Id) == 2,
            "the expired claim to be delivered");
        await using var check = _app.CreateDb();
        var row = await check.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == message.Id);
        Assert.Equal((OutboxStatus.Delivered, 2), (row.Status, row.Attempts));
    }

    [Fact]
    public async Task After_the_last_retry_a_message_is_dead_lettered_and_handlers_that_succeeded_are_not_run_again()
    {
        var probe = new OutboxProbe(Guid.NewGuid(), OutboxProbe.FailAlways);
        await _app.PublishAsync(probe);
        await Eventually.TrueAsync(async () => (await _app.StatusCountsAsync()).GetValueOrDefault(OutboxStatus.Dead) == 1, "the probe to be dead-lettered");
        var calls = (await ProbeCalls.AllAsync(_app.ConnectionString)).Where(c => c.Probe == probe.Id).ToList();
        Assert.Equal(3, calls.Count(c => c.Handler == nameof(FlakyProbeHandler)));
        // The steady handler succeeded on the first attempt and was never run again.
        Assert.Single(calls, c => c.Handler == nameof(SteadyProbeHandler));
    }
}

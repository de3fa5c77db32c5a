using Coravel.Scheduling.Schedule.Event;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// A cadence must fire where Coravel's scheduler really fires, and name each moment by the tick the scheduler last
/// fired: that name is what instances agree on to run a tick once.
/// </summary>
public sealed class CadenceTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    [InlineData(7, 6)]
    [InlineData(30, 30)]
    [InlineData(45, 30)]
    [InlineData(59, 30)]
    [InlineData(60, 60)]
    [InlineData(90, 60)]
    [InlineData(300, 300)]
    [InlineData(420, 360)]
    [InlineData(3600, 3600)]
    [InlineData(7200, 3600)]
    public void Every_fires_evenly_at_the_requested_interval_or_the_next_shorter_even_one(int requestedSeconds, int periodSeconds)
    {
        var cadence = Cadence.Every(TimeSpan.FromSeconds(requestedSeconds));
        var start = new DateTime(2026, 7, 15, 22, 0, 0, DateTimeKind.Utc);

        var fired = Firings(cadence, start, TimeSpan.FromHours(3), TimeSpan.FromSeconds(1));

        Assert.True(fired.Count >= 3);
        Assert.All(fired.Zip(fired.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(periodSeconds), pair.Second - pair.First));
        Assert.Equal(requestedSeconds != periodSeconds, cadence.IsRounded);
        var latest = 0;
        for (var t = fired[0]; t < fired[^1]; t = t.AddSeconds(1))
        {
            while (fired[latest + 1] <= t) latest++;
            Assert.Equal(fired[latest], cadence.TickAt(new DateTimeOffset(t)).UtcDateTime);
            Assert.Equal(fired[latest], cadence.TickAt(new DateTimeOffset(t.AddMilliseconds(999))).UtcDateTime);
        }
    }

    [Fact]
    public void Every_refuses_less_than_a_second() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Cadence.Every(TimeSpan.FromMilliseconds(500)));

    [Theory]
    [InlineData("2026-07-15T01:00:00Z", "2026-07-15T01:00:00Z")] // 02:00 BST
    [InlineData("2026-07-15T00:59:59Z", "2026-07-14T01:00:00Z")]
    [InlineData("2026-07-15T23:30:00Z", "2026-07-15T01:00:00Z")]
    [InlineData("2026-01-15T02:00:00Z", "2026-01-15T02:00:00Z")] // 02:00 GMT
    [InlineData("2026-01-15T01:59:00Z", "2026-01-14T02:00:00Z")]
    public void Daily_tick_is_the_latest_two_oclock_on_the_zone_wall_clock(string now, string tick) =>
        Assert.Equal(DateTimeOffset.Parse(tick), Cadence.DailyAt(2, 0, London).TickAt(DateTimeOffset.Parse(now)));

    [Theory]
    [InlineData("2026-01-12")]
    [InlineData("2026-03-28")] // clocks go forward on the 29th
    [InlineData("2026-07-12")]
    [InlineData("2026-10-24")] // clocks go back on the 25th
    public void Daily_at_two_fires_once_a_day_where_its_tick_starts(string from)
    {
        var cadence = Cadence.DailyAt(2, 0, London);
        var start = DateTime.SpecifyKind(DateTime.Parse(from), DateTimeKind.Utc);

        var fired = Firings(cadence, start, TimeSpan.FromDays(3), TimeSpan.FromMinutes(1));

        Assert.Equal(3, fired.Count);
        Assert.All(fired, f => Assert.Equal(new TimeOnly(2, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(f, London))));
        Assert.All(fired, f => Assert.Equal(f, cadence.TickAt(new DateTimeOffset(f)).UtcDateTime));
    }

    [Fact]
    public void A_daily_time_that_occurs_twice_when_clocks_go_back_is_one_tick()
    {
        var cadence = Cadence.DailyAt(1, 30, London);

        var fired = Firings(cadence, new DateTime(2026, 10, 25, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromHours(3), TimeSpan.FromMinutes(1));

        // Coravel fires at 01:30 BST and again at 01:30 GMT; both must be the same tick.
        Assert.Equal([new DateTime(2026, 10, 25, 0, 30, 0, DateTimeKind.Utc), new DateTime(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc)], fired);
        Assert.Single(fired.Select(f => cadence.TickAt(new DateTimeOffset(f))).Distinct());
    }

    /// <summary>Where Coravel's scheduler fires this cadence, asking it the way its scheduler host does.</summary>
    private static List<DateTime> Firings(Cadence cadence, DateTime start, TimeSpan span, TimeSpan step)
    {
        var scheduled = new ScheduledEvent(() => { }, null!);
        cadence.Apply(scheduled);
        var fired = new List<DateTime>();
        for (var t = start; t < start + span; t += step)
        {
            // The scheduler only asks minute-based (cron) schedules at the top of a minute.
            if (scheduled.IsScheduledCronBasedTask() && t.Second != 0) continue;
            if (scheduled.IsDue(t)) fired.Add(t);
        }
        return fired;
    }
}

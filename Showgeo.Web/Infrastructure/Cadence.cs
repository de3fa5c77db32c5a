using Coravel.Scheduling.Schedule.Interfaces;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// How often a recurring job runs, in steps Coravel's scheduler can express, and which tick a moment belongs to: the
/// key a run is recorded under, so that every instance names the same tick the same way.
/// </summary>
public abstract class Cadence
{
    // Coravel fires EverySeconds(n) when the clock's second is divisible by n (and Cron "*/m" likewise for minutes),
    // so only steps that divide a minute (or an hour) come round evenly; EverySeconds(45) would fire at :00 and :45.
    // https://github.com/jamesmh/coravel/blob/master/Src/Coravel/Scheduling/Schedule/Event/ScheduledEvent.cs
    private static readonly int[] EvenSteps = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

    /// <summary>
    /// Every <paramref name="interval"/>, rounded down to the nearest step that divides a minute (under a minute) or an
    /// hour (a minute and over; at most hourly). Rounding down keeps the work at least as frequent as asked.
    /// </summary>
    public static Cadence Every(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));
        var period = interval < TimeSpan.FromMinutes(1)
            ? TimeSpan.FromSeconds(EvenSteps.Last(s => s <= (int)interval.TotalSeconds))
            : TimeSpan.FromMinutes(EvenSteps.Last(m => m <= Math.Min(60, (int)interval.TotalMinutes)));
        return new Interval(interval, period);
    }

    /// <summary>Once a day at <paramref name="hour"/>:<paramref name="minute"/> on the wall clock of <paramref name="zone"/>.</summary>
    public static Cadence DailyAt(int hour, int minute, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hour);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hour, 23);
        ArgumentOutOfRangeException.ThrowIfNegative(minute);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minute, 59);
        return new Daily(hour, minute, zone);
    }

    /// <summary>The start of the tick <paramref name="now"/> falls in (UTC).</summary>
    public abstract DateTimeOffset TickAt(DateTimeOffset now);

    /// <summary>True when the requested interval could not be scheduled exactly (see <see cref="Every"/>).</summary>
    public abstract bool IsRounded { get; }

    /// <summary>How long run records are kept; only the current tick's record matters for running it once.</summary>
    internal abstract TimeSpan KeepRunsFor { get; }

    internal abstract IScheduledEventConfiguration Apply(IScheduleInterval schedule);

    private sealed class Interval(TimeSpan requested, TimeSpan period) : Cadence
    {
        public override DateTimeOffset TickAt(DateTimeOffset now) =>
            new(now.UtcTicks - now.UtcTicks % period.Ticks, TimeSpan.Zero);

        public override bool IsRounded => requested != period;

        internal override TimeSpan KeepRunsFor =>
            TimeSpan.FromTicks(Math.Clamp(period.Ticks * 100, TimeSpan.FromHours(1).Ticks, TimeSpan.FromDays(90).Ticks));

        internal override IScheduledEventConfiguration Apply(IScheduleInterval schedule) =>
            period < TimeSpan.FromMinutes(1) ? schedule.EverySeconds((int)period.TotalSeconds)
            : period == TimeSpan.FromHours(1) ? schedule.Cron("0 * * * *")
            : schedule.Cron($"*/{(int)period.TotalMinutes} * * * *");

        public override string ToString() =>
            $"every {Describe(period)}" + (IsRounded ? $" (asked for every {Describe(requested)})" : "");

        private static string Describe(TimeSpan t) => t < TimeSpan.FromMinutes(1) ? $"{t.TotalSeconds:0.###} s" : $"{t.TotalMinutes:0.###} min";
    }

    private sealed class Daily(int hour, int minute, TimeZoneInfo zone) : Cadence
    {
        public override DateTimeOffset TickAt(DateTimeOffset now)
        {
            var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
            var at = local.Date.AddHours(hour).AddMinutes(minute);
            if (local < at) at = at.AddDays(-1);
            // GetUtcOffset gives one answer for a wall time that occurs twice (or not at all) when the clocks change,
            // so a tick the scheduler fires twice in a repeated hour still has one key.
            var unspecified = DateTime.SpecifyKind(at, DateTimeKind.Unspecified);
            return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified)).ToUniversalTime();
        }

        public override bool IsRounded => false;

        internal override TimeSpan KeepRunsFor => TimeSpan.FromDays(90);

        internal override IScheduledEventConfiguration Apply(IScheduleInterval schedule) =>
            schedule.DailyAt(hour, minute).Zoned(zone);

        public override string ToString() => $"daily at {hour:00}:{minute:00} {zone.Id}";
    }
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Streaming;

/// <summary>Viewers present in one time bucket (<see cref="StreamViewerStats.BucketMinutes"/> long) from <see cref="At"/>.</summary>
public sealed record StreamMinute(DateTimeOffset At, int Viewers);

/// <summary>An event's viewer numbers, from participant webhooks; hosts, guests, ingress and egress are not counted.</summary>
public sealed record StreamViewerStats(int UniqueViewers, int PeakConcurrent, long TotalWatchMinutes, int BucketMinutes,
    IReadOnlyList<StreamMinute> PerMinute)
{
    public bool HasData => UniqueViewers > 0;
}

public sealed class StreamAnalytics(ShowgeoDb db, TimeProvider clock)
{
    /// <summary>Beyond this many points the chart's buckets widen (2, 5, 10… minutes), so a long show stays readable.</summary>
    public const int MaxPoints = 240;
    private static readonly int[] Widths = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440];

    public async Task<StreamViewerStats> ForEventAsync(Guid eventId, CancellationToken ct)
    {
        var finished = await db.Set<EventStream>().AsNoTracking().Where(s => s.EventId == eventId)
            .Select(s => s.RoomFinishedAt).FirstOrDefaultAsync(ct);
        var sessions = await db.Set<StreamViewerSession>().AsNoTracking()
            .Where(s => s.EventId == eventId && s.Role == StreamParticipantRole.Viewer)
            .Select(s => new { s.Identity, s.JoinedAt, s.LeftAt })
            .ToListAsync(ct);
        // A session still open ends when the room finished, or now while it runs.
        var openEnd = finished ?? clock.GetUtcNow();
        return Compute(sessions.Select(s => (s.Identity, s.JoinedAt, s.LeftAt ?? (openEnd > s.JoinedAt ? openEnd : s.JoinedAt))));
    }

    /// <summary>The numbers over sessions already closed (<c>Left</c> ≥ <c>Joined</c>).</summary>
    public static StreamViewerStats Compute(IEnumerable<(string Identity, DateTimeOffset Joined, DateTimeOffset Left)> input)
    {
        var sessions = input.Select(s => s.Left < s.Joined ? s with { Left = s.Joined } : s).ToList();
        if (sessions.Count == 0) return new(0, 0, 0, 1, []);
        var unique = sessions.Select(s => s.Identity).Distinct(StringComparer.Ordinal).Count();

        // Peak: sweep the joins and leaves; at the same instant a leave comes first (a reconnect is not two viewers).
        var peak = 0;
        var current = 0;
        foreach (var (_, delta) in sessions.SelectMany(s => new[] { (s.Joined, 1), (s.Left, -1) }).OrderBy(x => x.Item1).ThenBy(x => x.Item2))
        {
            current += delta;
            peak = Math.Max(peak, current);
        }
        var seconds = sessions.Sum(s => (long)(s.Left - s.Joined).TotalSeconds);

        var start = Floor(sessions.Min(s => s.Joined));
        var end = sessions.Max(s => s.Left);
        var totalMinutes = Math.Max(1, (int)Math.Ceiling((end - start).TotalMinutes));
        var width = Widths.FirstOrDefault(w => (totalMinutes + w - 1) / w <= MaxPoints, Widths[^1]);
        var buckets = (totalMinutes + width - 1) / width;
        // Viewers present at any moment of a bucket: each session adds one to every bucket it overlaps (difference array).
        var diff = new int[buckets + 1];
        foreach (var s in sessions)
        {
            var first = (int)((s.Joined - start).TotalMinutes / width);
            var last = s.Left > s.Joined ? (int)Math.Ceiling((s.Left - start).TotalMinutes / width) - 1 : first;
            first = Math.Clamp(first, 0, buckets - 1);
            last = Math.Clamp(last, first, buckets - 1);
            diff[first]++;
            diff[last + 1]--;
        }
        var points = new List<StreamMinute>(buckets);
        var running = 0;
        for (var i = 0; i < buckets; i++)
        {
            running += diff[i];
            points.Add(new(start.AddMinutes(i * width), running));
        }
        return new(unique, peak, (seconds + 30) / 60, width, points);
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}

/// <summary>The per-minute chart as inline SVG geometry, computed here so the view only prints attributes.</summary>
public sealed class StreamViewerChart
{
    public const int Width = 600;
    public const int Height = 200;
    public const int PadLeft = 40;
    public const int PadBottom = 24;
    public const int PadTop = 10;
    public const int PadRight = 10;

    public StreamViewerChart(StreamViewerStats stats, string timeZone)
    {
        Stats = stats;
        TimeZone = timeZone;
        var pts = stats.PerMinute;
        Max = Math.Max(1, pts.Count == 0 ? 1 : pts.Max(p => p.Viewers));
        var plotW = Width - PadLeft - PadRight;
        var plotH = Height - PadTop - PadBottom;
        double X(int i) => PadLeft + (pts.Count <= 1 ? plotW / 2.0 : i * plotW / (double)(pts.Count - 1));
        double Y(int v) => PadTop + plotH - v * plotH / (double)Max;
        Points = string.Join(' ', pts.Select((p, i) => F(X(i)) + "," + F(Y(p.Viewers))));
        Area = pts.Count == 0 ? "" : $"{F(X(0))},{F(Y(0))} {Points} {F(X(pts.Count - 1))},{F(Y(0))}";
        BaselineY = F(Y(0));
        TopY = F(Y(Max));
        var zone = Events.EventTimeZones.TryFind(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        StartLabel = pts.Count == 0 ? "" : TimeZoneInfo.ConvertTime(pts[0].At, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        EndLabel = pts.Count == 0 ? "" : TimeZoneInfo.ConvertTime(pts[^1].At.AddMinutes(stats.BucketMinutes), zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        var peakAt = pts.Count == 0 ? (DateTimeOffset?)null : pts.MaxBy(p => p.Viewers)!.At;
        PeakLabel = peakAt is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture) : "";
    }

    public StreamViewerStats Stats { get; }
    public string TimeZone { get; }
    public int Max { get; }
    public string Points { get; }
    public string Area { get; }
    public string BaselineY { get; }
    public string TopY { get; }
    public string StartLabel { get; }
    public string EndLabel { get; }
    /// <summary>When the busiest bucket began, local to the event.</summary>
    public string PeakLabel { get; }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}

using System.Diagnostics;

namespace Showgeo.Bench;

/// <summary>
/// CPU time spent by this process and by every PostgreSQL server process on the machine, read from /proc
/// (https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html: utime and stime, fields 14 and 15, in clock ticks).
/// PostgreSQL forks a backend per connection, so a backend that exits during a measurement takes its ticks with it;
/// harnesses keep their connections pooled for the whole run, which keeps the sum honest.
/// </summary>
public readonly record struct CpuSample(TimeSpan App, TimeSpan Postgres)
{
    /// <summary>Clock ticks per second (sysconf(_SC_CLK_TCK)); 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    public static CpuSample Now()
    {
        using var self = Process.GetCurrentProcess();
        return new(self.TotalProcessorTime, TimeSpan.FromSeconds(PostgresTicks() / TicksPerSecond));
    }

    public static CpuSample operator -(CpuSample a, CpuSample b) => new(a.App - b.App, a.Postgres - b.Postgres);

    private static long PostgresTicks()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(dir);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0])) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ..." — comm may hold spaces, so split after the closing parenthesis.
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open || stat[(open + 1)..close] != "postgres") continue;
                var fields = stat[(close + 2)..].Split(' ');
                // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (IOException) { } // the process ended while being read
            catch (UnauthorizedAccessException) { }
        }
        return ticks;
    }
}

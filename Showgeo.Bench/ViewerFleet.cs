using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.RegularExpressions;

namespace Showgeo.Bench;

/// <summary>
/// The viewers' side of a live-stream harness in a process of its own, so the harness's process holds only the
/// server and its memory and CPU per connection are the server's alone. Stopwatch timestamps are the system's
/// monotonic clock, so a stamp written by one process is read against the other's.
/// </summary>
internal sealed partial class ViewerFleet : IAsyncDisposable
{
    private readonly Process _process;

    private ViewerFleet(Process process) => _process = process;

    public int Connected { get; private set; }
    public int Failed { get; private set; }

    public sealed record Report(double[] Latencies, IReadOnlyList<long[]> Marks, long Bytes, int Ended);

    /// <summary>
    /// Opens <paramref name="viewers"/> streams on <paramref name="url"/> from a child process and returns once every
    /// one has answered. <paramref name="cookies"/>: one Cookie header per viewer, used in turn. <paramref name="marks"/>:
    /// texts whose first arrival is timed on every stream. Probes time every <c>t{timestamp}</c> stamp they read.
    /// </summary>
    public static async Task<ViewerFleet> StartAsync(Uri url, int viewers, int probes, IReadOnlyList<string>? cookies = null,
        IReadOnlyList<string>? marks = null, int openConcurrency = 64)
    {
        var cookieFile = Path.GetTempFileName();
        await File.WriteAllLinesAsync(cookieFile, cookies ?? []);
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        // The viewers stand in for browsers, not for the server: the workstation GC keeps their process small.
        start.Environment["DOTNET_gcServer"] = "0";
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(ViewerFleet).Assembly.Location);
        foreach (var arg in new[] { "viewers", "--url", url.ToString(), "--n", viewers.ToString(CultureInfo.InvariantCulture),
                     "--probes", probes.ToString(CultureInfo.InvariantCulture), "--cookies", cookieFile,
                     "--open-concurrency", openConcurrency.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        foreach (var mark in marks ?? []) { start.ArgumentList.Add("--mark"); start.ArgumentList.Add(mark); }
        var fleet = new ViewerFleet(Process.Start(start)!);
        var line = await fleet._process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("viewer process ended early");
        var parts = line.Split(' ');
        if (parts[0] != "connected") throw new InvalidOperationException($"viewer process said: {line}");
        fleet.Connected = int.Parse(parts[1], CultureInfo.InvariantCulture);
        fleet.Failed = int.Parse(parts[2], CultureInfo.InvariantCulture);
        File.Delete(cookieFile);
        return fleet;
    }

    /// <summary>What the viewers have read so far (ask as often as needed; disposing closes the streams).</summary>
    public async Task<Report> ReportAsync()
    {
        await _process.StandardInput.WriteLineAsync("report");
        await _process.StandardInput.FlushAsync();
        double[] latencies = [];
        var marks = new List<long[]>();
        long bytes = 0;
        var ended = 0;
        while (await _process.StandardOutput.ReadLineAsync() is { } line && line != "end")
        {
            var (name, rest) = line.IndexOf(' ') is var i and >= 0 ? (line[..i], line[(i + 1)..]) : (line, "");
            var values = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (name)
            {
                case "latencies": latencies = [.. values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Order()]; break;
                case "mark": marks.Add([.. values.Select(v => long.Parse(v, CultureInfo.InvariantCulture))]); break;
                case "bytes": bytes = long.Parse(rest, CultureInfo.InvariantCulture); break;
                case "ended": ended = int.Parse(rest, CultureInfo.InvariantCulture); break;
            }
        }
        return new Report(latencies, marks, bytes, ended);
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"\bt(\d{6,})\b")]
    private static partial Regex Stamp();

    /// <summary>The child: <c>viewers --url U --n N --probes K --cookies FILE [--mark TEXT]... [--open-concurrency C]</c>.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var url = new Uri(Arg(args, "--url")!);
        var n = BenchSupport.IntArg(args, "--n", 1000);
        var probes = BenchSupport.IntArg(args, "--probes", 50);
        var cookies = File.ReadAllLines(Arg(args, "--cookies")!).Where(l => l.Length > 0).ToArray();
        var marks = args.Select((a, i) => (a, i)).Where(p => p.a == "--mark" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToArray();
        var concurrency = BenchSupport.IntArg(args, "--open-concurrency", 64);

        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false, MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();
        var latencies = new System.Collections.Concurrent.ConcurrentQueue<double>();
        var arrivals = marks.Select(_ => new long[n]).ToArray();
        long bytes = 0;
        int connected = 0, failed = 0, ended = 0;
        var readers = new Task[n];
        using (var gate = new SemaphoreSlim(concurrency))
        {
            var opens = Enumerable.Range(0, n).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, url);
                    if (cookies.Length > 0) request.Headers.Add("Cookie", cookies[i % cookies.Length]);
                    request.Headers.Accept.ParseAdd("text/event-stream");
                    var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref failed); response.Dispose(); return; }
                    var body = await response.Content.ReadAsStreamAsync(stop.Token);
                    Interlocked.Increment(ref connected);
                    readers[i] = ReadAsync(body, i, i < probes, response);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref failed); }
                finally { gate.Release(); }
            });
            await Task.WhenAll(opens);
        }
        Console.WriteLine($"connected {connected} {failed}");
        Console.Out.Flush();

        // Each line on standard input asks for a report; its end closes the streams.
        while (await Console.In.ReadLineAsync() is not null)
        {
            var ended0 = Volatile.Read(ref ended);
            var snapshot = latencies.ToArray();
            Console.WriteLine("latencies " + string.Join(' ', snapshot.Select(l => l.ToString("0.###", CultureInfo.InvariantCulture))));
            foreach (var arrived in arrivals)
                Console.WriteLine("mark " + string.Join(' ', arrived.Where(a => a != 0).Select(a => a.ToString(CultureInfo.InvariantCulture))));
            Console.WriteLine($"bytes {Interlocked.Read(ref bytes)}");
            Console.WriteLine($"ended {ended0}");
            Console.WriteLine("end");
            Console.Out.Flush();
        }
        stop.Cancel();
        await Task.WhenAny(Task.WhenAll(readers.Where(r => r is not null)), Task.Delay(5000));
        return 0;

        async Task ReadAsync(Stream body, int i, bool probe, HttpResponseMessage response)
        {
            try
            {
                if (!probe && marks.Length == 0)
                {
                    var buffer = new byte[4096];
                    int read;
                    while ((read = await body.ReadAsync(buffer, stop.Token)) > 0) Interlocked.Add(ref bytes, read);
                    return;
                }
                await foreach (var item in SseParser.Create(body).EnumerateAsync(stop.Token))
                {
                    var now = Stopwatch.GetTimestamp();
                    Interlocked.Add(ref bytes, item.Data.Length);
                    for (var m = 0; m < marks.Length; m++)
                        if (arrivals[m][i] == 0 && item.Data.Contains(marks[m], StringComparison.Ordinal)) arrivals[m][i] = now;
                    if (!probe) continue;
                    foreach (Match stamp in Stamp().Matches(item.Data))
                        latencies.Enqueue(Stopwatch.GetElapsedTime(long.Parse(stamp.Groups[1].ValueSpan, CultureInfo.InvariantCulture), now).TotalMilliseconds);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException) { }
            finally
            {
                if (!stop.IsCancellationRequested) Interlocked.Increment(ref ended);
                response.Dispose();
            }
        }
    }

    private static string? Arg(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;

/// <summary>
/// The flash sale with PostgreSQL restarted in the middle of it. The run starts a PostgreSQL cluster of its own
/// (initdb into a temporary directory, a free port on loopback) so the restart never touches the shared server other
/// work runs against. Buyers keep buying throughout and, like a browser honouring a 503, try again after a pause;
/// a monitor polls /readyz. Afterwards it reports the 503s seen while the server was down, errors of any other kind,
/// how long the app took to serve again (same process, no restart), and checks in the database that paid orders,
/// tickets issued and the ticket type's counters agree, that no order has more tickets than it bought, and that the
/// capacity was never exceeded.
/// Usage: dotnet run -c Release --project Showgeo.Bench.FlashSale -- --restart-pg [--buyers 1500] [--seats 1000]
///        [--concurrency 24] [--restart-after 3] [--down 5] [--stop-mode fast|immediate] [--retry-ms 250]
/// </summary>
internal static class OutageRun
{
    private enum Phase { BeforeStop, Down, AfterStart }

    private sealed record Sample(DateTimeOffset At, Phase Phase, string Step, int Status);

    public static async Task<int> RunAsync(string[] args)
    {
        var buyers = Sale.IntArg(args, "--buyers", 1500);
        var seats = Sale.IntArg(args, "--seats", 1000);
        var concurrency = Sale.IntArg(args, "--concurrency", 24);
        var restartAfter = TimeSpan.FromSeconds(Sale.IntArg(args, "--restart-after", 3));
        var downFor = TimeSpan.FromSeconds(Sale.IntArg(args, "--down", 5));
        var retryDelay = TimeSpan.FromMilliseconds(Sale.IntArg(args, "--retry-ms", 250));
        var stopMode = Sale.StringArg(args, "--stop-mode") ?? "fast";
        if (stopMode is not ("fast" or "immediate")) throw new ArgumentException("--stop-mode must be fast or immediate.");

        await using var cluster = await ScratchCluster.StartAsync();
        var server = cluster.ConnectionString("postgres");
        var dbName = "showgeo_bench_outage";
        await Sale.ExecAsync(server, $"CREATE DATABASE {dbName}");
        // Connect timeout short enough that a request caught by the restart fails in seconds, not the default 15.
        var conn = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(dbName)) { MaxPoolSize = 30, Timeout = 5 }.ConnectionString;
        Console.WriteLine($"Flash sale with a PostgreSQL restart: {buyers} buyers ({concurrency} at a time), {seats} seats; " +
                          $"PostgreSQL {cluster.Version} on port {cluster.Port}, stopped ({stopMode}) {restartAfter.TotalSeconds:F0} s after the first 5% of seats sold for {downFor.TotalSeconds:F0} s");

        // Buyers retry a 503 every --retry-ms (a browser honouring Retry-After waits longer); without this the
        // per-user checkout limit turns those retries into 429s and the run measures the rate limiter instead.
        await using var factory = new BenchFactory(conn, new() { ["RateLimits:CheckoutPerUserPermitLimit"] = "100000" });
        factory.UseKestrel(0);
        factory.StartServer();
        var baseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = false;
        lifetime.ApplicationStopping.Register(() => stopping = true);

        var (eventId, typeId) = await Sale.ArrangeEventAsync(factory.Services, seats);
        var cookies = await Sale.SignInBuyersAsync(factory.Services, baseAddress, buyers);
        var clients = cookies.Select(c => new HttpClient(new HttpClientHandler { CookieContainer = c, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30),
        }).ToArray();

        var phase = Phase.BeforeStop;
        var samples = new ConcurrentQueue<Sample>();
        var outcome = new string[buyers];
        var saleClock = Stopwatch.StartNew();
        var selling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sold = 0;
        DateTimeOffset stoppedAt = default, startedAt = default;

        async Task<HttpResponseMessage?> SendAsync(HttpClient client, string step, Func<HttpRequestMessage> request)
        {
            while (true)
            {
                HttpResponseMessage? response = null;
                try
                {
                    response = await client.SendAsync(request());
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    samples.Enqueue(new(DateTimeOffset.UtcNow, phase, step, -1));
                    return null;
                }
                samples.Enqueue(new(DateTimeOffset.UtcNow, phase, step, (int)response.StatusCode));
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return response;
                response.Dispose();
                await Task.Delay(retryDelay);
            }
        }

        async Task BuyAsync(int i)
        {
            var client = clients[i];
            using var form = await SendAsync(client, "form", () => new(HttpMethod.Get, $"/checkout/{eventId}"));
            if (form is not { IsSuccessStatusCode: true }) { outcome[i] = "form:" + Code(form); return; }
            var token = Sale.Token(await form.Content.ReadAsStringAsync());
            using var hold = await SendAsync(client, "hold", () => new(HttpMethod.Post, $"/checkout/{eventId}")
            {
                Content = Sale.Form(token, ($"Quantities[{typeId}]", "1")),
            });
            if (hold is null) { outcome[i] = "hold:transport"; return; }
            if (hold.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther))
            {
                var html = await hold.Content.ReadAsStringAsync();
                outcome[i] = html.Contains("data-outcome=\"sold-out\"") ? "sold-out" : "hold:" + (int)hold.StatusCode;
                return;
            }
            var payUrl = hold.Headers.Location!.ToString();
            using var payPage = await SendAsync(client, "pay-page", () => new(HttpMethod.Get, payUrl));
            if (payPage is not { IsSuccessStatusCode: true }) { outcome[i] = "pay-page:" + Code(payPage); return; }
            var payToken = Sale.Token(await payPage.Content.ReadAsStringAsync());
            using var paid = await SendAsync(client, "pay", () => new(HttpMethod.Post, payUrl + "?handler=Pay") { Content = Sale.Form(payToken) });
            outcome[i] = paid?.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther ? "paid" : "pay:" + Code(paid);
            if (outcome[i] == "paid" && Interlocked.Increment(ref sold) == Math.Max(1, seats / 20)) selling.TrySetResult();
        }

        var readiness = new ConcurrentQueue<(DateTimeOffset At, int Status)>();
        using var monitorStop = new CancellationTokenSource();
        var monitor = Task.Run(async () =>
        {
            using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
            while (!monitorStop.IsCancellationRequested)
            {
                int status;
                try { using var r = await probe.GetAsync("/readyz"); status = (int)r.StatusCode; }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { status = -1; }
                readiness.Enqueue((DateTimeOffset.UtcNow, status));
                try { await Task.Delay(100, monitorStop.Token); } catch (OperationCanceledException) { }
            }
        });

        var restart = Task.Run(async () =>
        {
            // Counted from the first sales, so a slow start (JIT, first page compiles) cannot eat the time before the stop.
            await selling.Task;
            await Task.Delay(restartAfter);
            stoppedAt = DateTimeOffset.UtcNow;
            phase = Phase.Down;
            await cluster.StopAsync(stopMode);
            await Task.Delay(downFor);
            await cluster.StartAgainAsync();
            startedAt = DateTimeOffset.UtcNow;
            phase = Phase.AfterStart;
        });

        using var slots = new SemaphoreSlim(concurrency);
        var sale = Enumerable.Range(0, buyers).Select(async i =>
        {
            await slots.WaitAsync();
            try { await BuyAsync(i); }
            finally { slots.Release(); }
        }).ToArray();
        await Task.WhenAll(sale);
        saleClock.Stop();
        var saleEnded = DateTimeOffset.UtcNow;
        selling.TrySetResult();
        await restart;
        await Task.Delay(500);
        await monitorStop.CancelAsync();
        await monitor;

        // Counted in the database, not from what buyers were told: a payment whose reply was lost still counts once.
        NpgsqlConnection.ClearAllPools();
        await using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(conn).Options);
        var orders = await db.Set<Order>().AsNoTracking().Where(o => o.ReferenceId == eventId)
            .Select(o => new { o.Id, o.UserId, o.Status, Seats = o.Lines.Sum(l => l.Quantity) }).ToListAsync();
        var issued = await db.Set<Ticket>().AsNoTracking().Where(t => t.EventId == eventId).Select(t => new { t.OrderId, t.Code }).ToListAsync();
        var paid = orders.Where(o => o.Status == OrderStatus.Paid).ToList();
        var paidOrders = paid.Count;
        var paidSeats = paid.Sum(o => o.Seats);
        var tickets = issued.Count;
        var seatsByOrder = orders.ToDictionary(o => o.Id, o => o.Seats);
        var overIssued = issued.GroupBy(t => t.OrderId).Count(g => g.Count() > seatsByOrder.GetValueOrDefault(g.Key));
        var paidIds = paid.Select(o => o.Id).ToHashSet();
        var ticketsOfUnpaid = issued.Count(t => !paidIds.Contains(t.OrderId));
        var buyersWithTwoPaid = paid.GroupBy(o => o.UserId).Count(g => g.Count() > 1);
        var duplicateCodes = issued.GroupBy(t => t.Code).Count(g => g.Count() > 1);
        var pendingOrders = orders.Count(o => o.Status == OrderStatus.Pending);
        var type = await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == typeId);

        var all = samples.ToArray();
        var down = all.Where(s => s.Phase == Phase.Down).ToArray();
        var after = all.Where(s => s.Phase == Phase.AfterStart).OrderBy(s => s.At).ToArray();
        var firstServed = after.FirstOrDefault(s => s.Status is > 0 and not 503);
        var ready = readiness.ToArray();
        var readyAgain = ready.FirstOrDefault(r => r.At > startedAt && r.Status == 200);
        var firstUnready = ready.FirstOrDefault(r => r.At >= stoppedAt && r.Status != 200);
        var others = all.Where(s => s.Status is -1 or >= 500 && s.Status != 503).ToArray();
        var buyerPaid = outcome.Count(o => o == "paid");

        Console.WriteLine($"sale wall time        {saleClock.Elapsed.TotalSeconds:F1} s ({all.Length} requests)");
        Console.WriteLine($"database down         {(startedAt - stoppedAt).TotalSeconds:F1} s (stop issued -> accepting connections again)");
        Console.WriteLine($"readyz unhealthy      {(firstUnready.At == default ? "never" : $"{(firstUnready.At - stoppedAt).TotalMilliseconds:F0} ms after the stop")}, " +
                          $"healthy again {(readyAgain.At == default ? "never" : $"{(readyAgain.At - startedAt).TotalMilliseconds:F0} ms after the start")}");
        Console.WriteLine($"answered 503          {all.Count(s => s.Status == 503)} (while down {down.Count(s => s.Status == 503)}, after the start {after.Count(s => s.Status == 503)}, before the stop {all.Count(s => s.Phase == Phase.BeforeStop && s.Status == 503)})");
        var last503 = after.LastOrDefault(s => s.Status == 503);
        Console.WriteLine($"  503 after the start {(last503 is null ? "none" : $"the last {(last503.At - startedAt).TotalMilliseconds:F0} ms after it")}");
        Console.WriteLine($"throughput            {Rate(all.Where(s => s.Phase == Phase.BeforeStop))} req/s before the stop, {Rate(after)} req/s after the start");
        Console.WriteLine($"served while down     {down.Count(s => s.Status is > 0 and < 500)} (pages that needed no database, or requests finished as it stopped)");
        Console.WriteLine($"other errors          {others.Length}" + (others.Length == 0 ? "" : " — " + string.Join(", ", others.GroupBy(s => $"{s.Step}:{s.Status}/{s.Phase}").Select(g => $"{g.Key} x{g.Count()}"))));
        Console.WriteLine($"recovery              first non-503 reply {(firstServed is null ? "never" : $"{(firstServed.At - startedAt).TotalMilliseconds:F0} ms")} after PostgreSQL accepted connections; same process, host stopping: {stopping}");
        Console.WriteLine($"buyers                paid {buyerPaid}, sold out {outcome.Count(o => o == "sold-out")}, other {outcome.Count(o => o is not ("paid" or "sold-out"))}"
                          + string.Concat(outcome.Where(o => o is not ("paid" or "sold-out")).GroupBy(o => o).Select(g => $"; {g.Key} x{g.Count()}")));
        Console.WriteLine($"paid orders           {paidOrders} for {paidSeats} seats; tickets issued {tickets}; type sold={type.Sold} held={type.Held} capacity={type.Capacity}; pending holds left {pendingOrders}");
        Console.WriteLine($"duplicates            over-issued orders {overIssued}, tickets of unpaid orders {ticketsOfUnpaid}, buyers with two paid orders {buyersWithTwoPaid}, repeated codes {duplicateCodes}");

        var consistent = paidSeats == tickets && type.Sold == tickets && overIssued == 0 && ticketsOfUnpaid == 0 && buyersWithTwoPaid == 0
                         && duplicateCodes == 0 && tickets <= seats && type.Sold + type.Held <= type.Capacity && buyerPaid <= paidOrders;
        var recovered = firstServed is not null && readyAgain.At != default && !stopping;
        if (stoppedAt > saleEnded) Console.WriteLine("WARNING: the sale was over before PostgreSQL stopped; raise --buyers and --seats or lower --restart-after");
        Console.WriteLine($"verdict               {(consistent ? "consistent" : "INCONSISTENT")}, {(recovered ? "recovered without a restart" : "DID NOT RECOVER")}");
        foreach (var c in clients) c.Dispose();
        return !consistent || !recovered ? 1 : stoppedAt > saleEnded ? 2 : 0;

        static string Rate(IEnumerable<Sample> window)
        {
            var list = window.ToList();
            if (list.Count < 2) return "n/a";
            var seconds = (list.Max(s => s.At) - list.Min(s => s.At)).TotalSeconds;
            return seconds <= 0 ? "n/a" : (list.Count / seconds).ToString("F0");
        }

        static string Code(HttpResponseMessage? r) => r is null ? "transport" : ((int)r.StatusCode).ToString();
    }
}

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temporary directory and pg_ctl on a free loopback port, run as the
/// postgres user when this process is root (PostgreSQL refuses to run as root). Trust authentication: it listens on
/// 127.0.0.1 only and is deleted on dispose.
/// </summary>
internal sealed class ScratchCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;

    private ScratchCluster(string bin, string dir, int port, string version)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
        Version = version;
    }

    public int Port { get; }
    public string Version { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = database, Username = "showgeo", Password = "showgeo" }.ConnectionString;

    public static async Task<ScratchCluster> StartAsync()
    {
        var root = Environment.GetEnvironmentVariable("SHOWGEO_PG_BIN") is { Length: > 0 } b ? Path.GetDirectoryName(b.TrimEnd('/'))! : "/usr/lib/postgresql";
        var version = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(Path.GetFileName).Where(v => File.Exists(Path.Combine(root, v!, "bin", "pg_ctl")))
                .OrderBy(v => int.TryParse(v, out var n) ? n : 0).LastOrDefault()
            : null;
        if (version is null) throw new InvalidOperationException($"No PostgreSQL server binaries under {root}; run `source .ci/lib.sh && ensure_postgres` first.");
        var dir = Path.Combine(Path.GetTempPath(), "showgeo-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var cluster = new ScratchCluster(Path.Combine(root, version, "bin"), dir, FreePort(), version);
        if (Environment.UserName == "root") await RunAsync("chown", "postgres:postgres", dir);
        await cluster.PgAsync("initdb", "-D", dir, "-U", "showgeo", "--auth=trust", "-E", "UTF8", "--no-instructions");
        await File.AppendAllTextAsync(Path.Combine(dir, "postgresql.conf"),
            $"port = {cluster.Port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{dir}'\nmax_connections = 200\n");
        await cluster.StartAgainAsync();
        return cluster;
    }

    public Task StopAsync(string mode) => PgAsync("pg_ctl", "-D", _dir, "-m", mode, "-w", "stop");

    public Task StartAgainAsync() => PgAsync("pg_ctl", "-D", _dir, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "start");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await StopAsync("immediate"); } catch (InvalidOperationException) { }
        Directory.Delete(_dir, recursive: true);
    }

    private Task PgAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}: {await error}{await output}");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

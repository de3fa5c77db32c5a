// Flash-sale benchmark: N buyers race for M seats of one ticket type through the real HTTP endpoints on loopback,
// with local test payments. Reports oversold (must be 0), checkouts per second and hold-step latency percentiles.
// Usage: dotnet run -c Release --project Showgeo.Bench.FlashSale -- [--buyers 2000] [--seats 500] [--pg "<server conn>"]
// Product drop: ... -- --mode drop [--fans 2000] [--units 300]: every fan adds one unit to the cart and checks out at the
// drop instant (see ProductDrop.cs).
// With --restart-pg it runs the sale on a PostgreSQL cluster of its own and restarts it mid-sale (see OutageRun.cs).
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;

internal static class FlashSaleBench
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--restart-pg")) return await OutageRun.RunAsync(args);
        if (Sale.StringArg(args, "--mode") == "drop")
            return await ProductDropBench.RunAsync(Sale.IntArg(args, "--fans", 2000), Sale.IntArg(args, "--units", 300),
                Sale.StringArg(args, "--pg") ?? Environment.GetEnvironmentVariable("SHOWGEO_TEST_PG") ?? "Host=localhost;Port=5432;Database=postgres;Username=showgeo;Password=showgeo");
        var buyers = IntArg("--buyers", 2000);
        var seats = IntArg("--seats", 500);
        var server = StringArg("--pg") ?? Environment.GetEnvironmentVariable("SHOWGEO_TEST_PG")
                     ?? "Host=localhost;Port=5432;Database=postgres;Username=showgeo;Password=showgeo";
        var dbName = "showgeo_bench_" + Guid.NewGuid().ToString("N")[..10];
        var conn = new NpgsqlConnectionStringBuilder(server) { Database = dbName, MaxPoolSize = 30 }.ConnectionString;
        await Sale.ExecAsync(server, $"CREATE DATABASE {dbName}");
        Console.WriteLine($"Flash sale: {buyers} buyers, {seats} seats, database {dbName}");
        try
        {
            var queries = new Showgeo.Bench.QueryCounter { ByStatement = args.Contains("--statements") };
            await using var factory = new BenchFactory(conn, queries: queries);
            factory.UseKestrel(0);
            factory.StartServer();
            var baseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
                .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));

            var (eventId, typeId) = await Sale.ArrangeEventAsync(factory.Services, seats);
            var sw = Stopwatch.StartNew();
            var cookies = await Sale.SignInBuyersAsync(factory.Services, baseAddress, buyers);
            Console.WriteLine($"Prepared {buyers} signed-in buyers in {sw.Elapsed.TotalSeconds:F1} s");

            var clients = cookies.Select(c => new HttpClient(new HttpClientHandler { CookieContainer = c, AllowAutoRedirect = false }) { BaseAddress = baseAddress }).ToArray();
            var tokens = new string[buyers];
            await Parallel.ForEachAsync(Enumerable.Range(0, buyers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                tokens[i] = Sale.Token(await clients[i].GetStringAsync($"/checkout/{eventId}", ct)));

            // Each buyer posts the ticket form the way the event page's htmx form does (HX-Request), so a refusal comes
            // back as the ticket section alone and a held seat as an HX-Redirect to the payment page. answerMs is the
            // time from the rush start (the gate opening) to that answer: what a fan waits to hear "held" or "sold out".
            var holdMs = new double[buyers];
            var answerMs = new double[buyers];
            var outcome = new string[buyers];
            using var gate = new SemaphoreSlim(0);
            // --pay-after (diagnostic): buyers who got a seat pay only once every buyer has an answer, which separates
            // the answers' own cost from the payments'.
            var payAfter = args.Contains("--pay-after");
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var pending = buyers;
            long rushStart = 0;
            var answerCpu = default(Showgeo.Bench.CpuSample);
            var tasks = Enumerable.Range(0, buyers).Select(async i =>
            {
                await gate.WaitAsync();
                var client = clients[i];
                var t0 = Stopwatch.GetTimestamp();
                using var hold = await client.SendAsync(Sale.HtmxPost($"/checkout/{eventId}", Sale.Form(tokens[i], ($"Quantities[{typeId}]", "1"))));
                var html = await hold.Content.ReadAsStringAsync();
                holdMs[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                answerMs[i] = Stopwatch.GetElapsedTime(rushStart).TotalMilliseconds;
                if (Interlocked.Decrement(ref pending) == 0) { answerCpu = Showgeo.Bench.CpuSample.Now(); answered.TrySetResult(); }
                if (hold.Headers.TryGetValues("HX-Redirect", out var redirect))
                {
                    if (payAfter) await answered.Task;
                    var payUrl = redirect.Single();
                    var payToken = Sale.Token(await client.GetStringAsync(payUrl));
                    using var paid = await client.PostAsync(payUrl + "?handler=Pay", Sale.Form(payToken));
                    outcome[i] = paid.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found ? "paid" : "pay-failed:" + (int)paid.StatusCode;
                }
                else
                {
                    outcome[i] = html.Contains("data-outcome=\"sold-out\"") ? "sold-out" : "other:" + (int)hold.StatusCode;
                }
            }).ToArray();
            queries.Reset();
            var cpu0 = Showgeo.Bench.CpuSample.Now();
            var gc0 = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Bytes: GC.GetTotalAllocatedBytes());
            var rush = Stopwatch.StartNew();
            rushStart = Stopwatch.GetTimestamp();
            gate.Release(buyers);
            await Task.WhenAll(tasks);
            rush.Stop();
            var cpu = Showgeo.Bench.CpuSample.Now() - cpu0;
            var toAnswers = answerCpu - cpu0;
            var rushQueries = queries.Count;
            var top = queries.Top(25);
            var gc = (Gen0: GC.CollectionCount(0) - gc0.Gen0, Gen1: GC.CollectionCount(1) - gc0.Gen1, Gen2: GC.CollectionCount(2) - gc0.Gen2,
                MB: (GC.GetTotalAllocatedBytes() - gc0.Bytes) / 1048576.0);

            await using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(conn).Options);
            var tickets = await db.Set<Ticket>().CountAsync(t => t.EventId == eventId);
            var type = await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == typeId);
            var paidCount = outcome.Count(o => o == "paid");
            var sorted = holdMs.Order().ToArray();
            Console.WriteLine($"tickets issued      {tickets} (type sold={type.Sold}, held={type.Held}, capacity={type.Capacity})");
            Console.WriteLine($"oversold            {Math.Max(0, tickets - seats)}");
            Console.WriteLine($"paid / sold out     {paidCount} / {outcome.Count(o => o == "sold-out")}; other: {outcome.Count(o => o is not ("paid" or "sold-out"))}");
            foreach (var other in outcome.Where(o => o is not ("paid" or "sold-out")).GroupBy(o => o)) Console.WriteLine($"  {other.Key}: {other.Count()}");
            Console.WriteLine($"rush wall time      {rush.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"checkouts/second    {paidCount / rush.Elapsed.TotalSeconds:F1} (hold + pay, paid orders only)");
            Console.WriteLine($"requests/second     {(buyers + paidCount * 2) / rush.Elapsed.TotalSeconds:F1} (hold POSTs + pay GET/POST)");
            Console.WriteLine($"hold step latency   p50 {Sale.Percentile(sorted, 0.50):F0} ms, p95 {Sale.Percentile(sorted, 0.95):F0} ms, max {sorted[^1]:F0} ms");
            var answers = answerMs.Order().ToArray();
            Console.WriteLine($"answered after rush p50 {Sale.Percentile(answers, 0.50):F0} ms, p95 {Sale.Percentile(answers, 0.95):F0} ms, last {answers[^1]:F0} ms (target: all within 2000 ms)");
            Console.WriteLine($"answers/second      {buyers / (answers[^1] / 1000):F0} (every buyer's hold answer, held or sold out; target >= 1000)");
            Console.WriteLine($"CPU until the last answer  app+buyers {toAnswers.App.TotalSeconds:F1} s, PostgreSQL {toAnswers.Postgres.TotalSeconds:F1} s{(payAfter ? " (payments held back until then)" : "")}");
            Console.WriteLine($"EF statements       {rushQueries} in the rush ({(double)rushQueries / (buyers + paidCount * 2):F1} per request)");
            foreach (var (statement, count) in top) Console.WriteLine($"  {count,6}  {statement}");
            Console.WriteLine($"GC during the rush  gen0 {gc.Gen0}, gen1 {gc.Gen1}, gen2 {gc.Gen2}, allocated {gc.MB:F0} MB ({gc.MB * 1024 / (buyers + paidCount * 2):F0} KB per request)");
            Console.WriteLine($"CPU during the rush  app+buyers {cpu.App.TotalSeconds:F1} s, PostgreSQL {cpu.Postgres.TotalSeconds:F1} s (of {Environment.ProcessorCount * rush.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores)");

            // The sold-out answer on its own, beside the cheapest request the app serves (/healthz, through the same
            // middleware with the same cookies): what one more fan costs once the seats are gone, and how much of it is
            // the pipeline rather than the checkout.
            var probes = Math.Min(buyers, 2000);
            foreach (var (label, request) in new (string, Func<int, HttpRequestMessage>)[]
            {
                ("GET /healthz        ", _ => new HttpRequestMessage(HttpMethod.Get, "/healthz")),
                ("sold-out answer     ", i => Sale.HtmxPost($"/checkout/{eventId}", Sale.Form(tokens[i], ($"Quantities[{typeId}]", "1")))),
            })
            {
                var probeCpu0 = Showgeo.Bench.CpuSample.Now();
                var probeClock = Stopwatch.StartNew();
                var ok = 0;
                await Parallel.ForEachAsync(Enumerable.Range(0, probes), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
                {
                    using var answer = await clients[i].SendAsync(request(i), ct);
                    var body = await answer.Content.ReadAsStringAsync(ct);
                    if (answer.IsSuccessStatusCode && (label.StartsWith("GET") || body.Contains("data-outcome=\"sold-out\""))) Interlocked.Increment(ref ok);
                });
                var probeCpu = Showgeo.Bench.CpuSample.Now() - probeCpu0;
                Console.WriteLine($"{label}{ok}/{probes} ok at concurrency 32: {probes / probeClock.Elapsed.TotalSeconds:F0}/s, "
                    + $"CPU per request app+client {probeCpu.App.TotalMicroseconds / probes:F0} us, PostgreSQL {probeCpu.Postgres.TotalMicroseconds / probes:F0} us");
            }
            foreach (var c in clients) c.Dispose();
            return tickets > seats ? 1 : 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Sale.ExecAsync(server, $"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)");
        }

        int IntArg(string name, int fallback) => Sale.IntArg(args, name, fallback);
        string? StringArg(string name) => Sale.StringArg(args, name);
    }
}

internal sealed class BenchFactory(string connectionString, Dictionary<string, string>? settings = null,
    Showgeo.Bench.QueryCounter? queries = null) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (queries is not null) builder.ConfigureServices(s => s.ConfigureDbContext<ShowgeoDb>(o => o.AddInterceptors(queries)));
        foreach (var (key, value) in settings ?? []) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Showgeo", connectionString);
        builder.UseSetting("Demo:Seed", "false");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
    }
}

// Flash-sale benchmark: N buyers race for M seats of one ticket type through the real HTTP endpoints on loopback,
// with local test payments. Reports oversold (must be 0), checkouts per second and hold-step latency percentiles.
// Usage: dotnet run -c Release --project Showgeo.Bench.FlashSale -- [--buyers 2000] [--seats 500] [--pg "<server conn>"]
// Product drop: ... -- --mode drop [--fans 2000] [--units 300]: every fan adds one unit to the cart and checks out at the
// drop instant (see ProductDrop.cs).
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;

internal static class FlashSaleBench
{
    public static async Task<int> Main(string[] args)
    {
        if (StringArg("--mode") == "drop")
            return await ProductDropBench.RunAsync(IntArg("--fans", 2000), IntArg("--units", 300),
                StringArg("--pg") ?? Environment.GetEnvironmentVariable("SHOWGEO_TEST_PG") ?? "Host=localhost;Port=5432;Database=postgres;Username=showgeo;Password=showgeo");
        var buyers = IntArg("--buyers", 2000);
        var seats = IntArg("--seats", 500);
        var server = StringArg("--pg") ?? Environment.GetEnvironmentVariable("SHOWGEO_TEST_PG")
                     ?? "Host=localhost;Port=5432;Database=postgres;Username=showgeo;Password=showgeo";
        var dbName = "showgeo_bench_" + Guid.NewGuid().ToString("N")[..10];
        var conn = new NpgsqlConnectionStringBuilder(server) { Database = dbName, MaxPoolSize = 30 }.ConnectionString;
        await ExecAsync(server, $"CREATE DATABASE {dbName}");
        Console.WriteLine($"Flash sale: {buyers} buyers, {seats} seats, database {dbName}");
        try
        {
            await using var factory = new BenchFactory(conn);
            factory.UseKestrel(0);
            factory.StartServer();
            var baseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
                .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));

            var (eventId, typeId) = await ArrangeEventAsync(factory.Services, seats);
            var sw = Stopwatch.StartNew();
            var cookies = await SignInBuyersAsync(factory.Services, baseAddress, buyers);
            Console.WriteLine($"Prepared {buyers} signed-in buyers in {sw.Elapsed.TotalSeconds:F1} s");

            var clients = cookies.Select(c => new HttpClient(new HttpClientHandler { CookieContainer = c, AllowAutoRedirect = false }) { BaseAddress = baseAddress }).ToArray();
            var tokens = new string[buyers];
            await Parallel.ForEachAsync(Enumerable.Range(0, buyers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                tokens[i] = Token(await clients[i].GetStringAsync($"/checkout/{eventId}", ct)));

            var holdMs = new double[buyers];
            var outcome = new string[buyers];
            using var gate = new SemaphoreSlim(0);
            var tasks = Enumerable.Range(0, buyers).Select(async i =>
            {
                await gate.WaitAsync();
                var client = clients[i];
                var t0 = Stopwatch.GetTimestamp();
                using var hold = await client.PostAsync($"/checkout/{eventId}", Form(tokens[i], ($"Quantities[{typeId}]", "1")));
                holdMs[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (hold.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther)
                {
                    var payUrl = hold.Headers.Location!.ToString();
                    var payToken = Token(await client.GetStringAsync(payUrl));
                    using var paid = await client.PostAsync(payUrl + "?handler=Pay", Form(payToken));
                    outcome[i] = paid.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found ? "paid" : "pay-failed:" + (int)paid.StatusCode;
                }
                else
                {
                    var html = await hold.Content.ReadAsStringAsync();
                    outcome[i] = html.Contains("data-outcome=\"sold-out\"") ? "sold-out" : "other:" + (int)hold.StatusCode;
                }
            }).ToArray();
            var rush = Stopwatch.StartNew();
            gate.Release(buyers);
            await Task.WhenAll(tasks);
            rush.Stop();

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
            Console.WriteLine($"hold step latency   p50 {Percentile(sorted, 0.50):F0} ms, p95 {Percentile(sorted, 0.95):F0} ms, max {sorted[^1]:F0} ms");
            foreach (var c in clients) c.Dispose();
            return tickets > seats ? 1 : 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(server, $"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)");
        }

        static async Task<(Guid EventId, Guid TypeId)> ArrangeEventAsync(IServiceProvider services, int seats)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
            var now = DateTimeOffset.UtcNow;
            var entity = new Entity { Id = Guid.CreateVersion7(), Slug = "bench-entity", Name = "Bench", Kind = EntityKind.Organisation, CreatedAt = now };
            var ev = new Event
            {
                Id = Guid.CreateVersion7(), EntityId = entity.Id, Slug = "bench-flash-sale", Title = "Flash sale", StartsAt = now.AddDays(7),
                EndsAt = now.AddDays(7).AddHours(2), Phase = EventPhase.Pre, Visibility = EventVisibility.Public, CreatedAt = now,
            };
            var type = new TicketType
            {
                Id = Guid.CreateVersion7(), EventId = ev.Id, Name = "General admission", PriceMinor = 3000, Currency = "EUR",
                Capacity = seats, MaxPerOrder = 1, CreatedAt = now,
            };
            db.AddRange(entity, ev, type);
            await db.SaveChangesAsync();
            return (ev.Id, type.Id);
        }

        int IntArg(string name, int fallback) => StringArg(name) is { } v && int.TryParse(v, out var n) && n > 0 ? n : fallback;
        string? StringArg(string name) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
    }
    internal static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    internal static FormUrlEncodedContent Form(string token, params (string, string)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))]);

    internal static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } t ? t
        : Regex.Match(html, "data-token=\"([^\"]+)\"").Groups[1].Value;

    // Buyers get their auth cookie from the app's own SignInManager: the benchmark measures buying, not password hashing.
    internal static async Task<CookieContainer[]> SignInBuyersAsync(IServiceProvider services, Uri baseAddress, int count)
    {
        var jars = new CookieContainer[count];
        string? hash = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { Id = Guid.CreateVersion7(), UserName = $"buyer{i}@bench.local", Email = $"buyer{i}@bench.local", DisplayName = $"Buyer {i}", CreatedAt = DateTimeOffset.UtcNow };
            user.PasswordHash = hash ??= users.PasswordHasher.HashPassword(user, "bench-password");
            var created = await users.CreateAsync(user);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Request.Scheme = baseAddress.Scheme;
            http.Request.Host = new HostString(baseAddress.Authority);
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
            signIn.Context = http;
            await signIn.SignInAsync(user, isPersistent: false);
            var jar = new CookieContainer();
            foreach (var header in http.Response.Headers.SetCookie) jar.SetCookies(baseAddress, header!);
            jars[i] = jar;
        });
        return jars;
    }

    internal static async Task ExecAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}

internal sealed class BenchFactory(string connectionString) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Showgeo", connectionString);
        builder.UseSetting("Demo:Seed", "false");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
    }
}

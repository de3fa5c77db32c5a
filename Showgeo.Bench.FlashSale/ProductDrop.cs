// Product-drop benchmark: F fans wait for a product's drop instant, then each adds one unit to the cart and checks out
// (local test payments) through the real HTTP endpoints, racing for U units. Reports oversold (must be 0), paid orders
// per second and the add-to-cart and checkout answer latencies (p50/p95/p99).
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;

internal static class ProductDropBench
{
    public static async Task<int> RunAsync(int fans, int units, string server)
    {
        var dbName = "showgeo_bench_" + Guid.NewGuid().ToString("N")[..10];
        // The same 30 connections as the ticket sale; a request waits up to a minute for one instead of failing after 15 s,
        // so the latencies below show the queue a thundering herd makes rather than errors.
        var conn = new NpgsqlConnectionStringBuilder(server) { Database = dbName, MaxPoolSize = 30, Timeout = 60 }.ConnectionString;
        await Sale.ExecAsync(server, $"CREATE DATABASE {dbName}");
        Console.WriteLine($"Product drop: {fans} fans, {units} units, database {dbName}");
        try
        {
            await using var factory = new BenchFactory(conn);
            factory.UseKestrel(0);
            factory.StartServer();
            var baseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
                .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));

            var sw = Stopwatch.StartNew();
            var cookies = await Sale.SignInBuyersAsync(factory.Services, baseAddress, fans);
            var clients = cookies.Select(c => new HttpClient(new HttpClientHandler { CookieContainer = c, AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) }).ToArray();
            // The drop is set once everyone is ready, a few seconds ahead; each fan's form token comes from the page before it.
            var dropAt = DateTimeOffset.UtcNow.AddSeconds(20 + fans / 100);
            var (entityId, productId, variantId, productPath) = await ArrangeProductAsync(factory.Services, units, dropAt);
            var tokens = new string[fans];
            await Parallel.ForEachAsync(Enumerable.Range(0, fans), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                tokens[i] = Sale.Token(await clients[i].GetStringAsync(productPath, ct)));
            Console.WriteLine($"Prepared {fans} signed-in fans in {sw.Elapsed.TotalSeconds:F1} s; waiting for the drop");
            var wait = dropAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);

            var addMs = new double[fans];
            var checkoutMs = new double[fans];
            var outcome = new string[fans];
            var rush = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, fans).Select(i => Task.Run(async () =>
            {
              try
              {
                var client = clients[i];
                var t0 = Stopwatch.GetTimestamp();
                // As a browser with JavaScript sends it (htmx): the answer is the form fragment, not a page.
                using var addRequest = new HttpRequestMessage(HttpMethod.Post, productPath + "?handler=Add") { Content = Sale.Form(tokens[i], ("Quantity", "1")) };
                addRequest.Headers.Add("HX-Request", "true");
                using var add = await client.SendAsync(addRequest);
                addMs[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var added = await add.Content.ReadAsStringAsync();
                if (!added.Contains("data-testid=\"added\""))
                {
                    outcome[i] = added.Contains("Sold out") || added.Contains(" left") ? "sold-out" : "add-failed:" + (int)add.StatusCode;
                    return;
                }
                var t1 = Stopwatch.GetTimestamp();
                using var checkout = await client.PostAsync($"/cart/checkout/{entityId}", Sale.Form(tokens[i],
                    ("Input.Name", "Fan"), ("Input.Line1", "1 Street"), ("Input.City", "Leeds"), ("Input.Postcode", "LS1"), ("Input.Country", "GB")));
                checkoutMs[i] = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                if (checkout.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found)
                {
                    var payUrl = checkout.Headers.Location!.ToString();
                    var payToken = Sale.Token(await client.GetStringAsync(payUrl));
                    using var paid = await client.PostAsync(payUrl + "?handler=Pay", Sale.Form(payToken));
                    outcome[i] = paid.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found ? "paid" : "pay-failed:" + (int)paid.StatusCode;
                }
                else
                {
                    var html = await checkout.Content.ReadAsStringAsync();
                    outcome[i] = html.Contains("Sold out") ? "sold-out" : "checkout-failed:" + (int)checkout.StatusCode;
                }
              }
              catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
              {
                  outcome[i] = ex is HttpRequestException { StatusCode: { } code } ? $"error:{(int)code}" : "error:" + ex.GetType().Name;
              }
            })).ToArray();
            await Task.WhenAll(tasks);
            rush.Stop();

            await using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(conn).Options);
            var variant = await db.Set<ProductVariant>().AsNoTracking().SingleAsync(v => v.Id == variantId);
            var soldUnits = await db.Set<OrderLine>().Where(l => l.ItemId == variantId)
                .Where(l => db.Set<Order>().Any(o => o.Id == l.OrderId && o.Status == OrderStatus.Paid)).SumAsync(l => l.Quantity);
            var paidCount = outcome.Count(o => o == "paid");
            var adds = addMs.Order().ToArray();
            var checkouts = checkoutMs.Where(ms => ms > 0).Order().ToArray();
            Console.WriteLine($"units sold          {soldUnits} (variant sold={variant.Sold}, held={variant.Held}, stock={variant.Stock})");
            Console.WriteLine($"oversold            {Math.Max(0, soldUnits - units)}");
            Console.WriteLine($"paid / sold out     {paidCount} / {outcome.Count(o => o == "sold-out")}; other: {outcome.Count(o => o is not ("paid" or "sold-out"))}");
            foreach (var other in outcome.Where(o => o is not ("paid" or "sold-out")).GroupBy(o => o)) Console.WriteLine($"  {other.Key}: {other.Count()}");
            Console.WriteLine($"rush wall time      {rush.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"orders/second       {paidCount / rush.Elapsed.TotalSeconds:F1} (add + checkout + pay, paid orders only)");
            Console.WriteLine($"add-to-cart         p50 {Sale.Percentile(adds, 0.50):F0} ms, p95 {Sale.Percentile(adds, 0.95):F0} ms, p99 {Sale.Percentile(adds, 0.99):F0} ms ({adds.Length} answers)");
            if (checkouts.Length > 0)
                Console.WriteLine($"checkout            p50 {Sale.Percentile(checkouts, 0.50):F0} ms, p95 {Sale.Percentile(checkouts, 0.95):F0} ms, p99 {Sale.Percentile(checkouts, 0.99):F0} ms ({checkouts.Length} answers)");
            foreach (var c in clients) c.Dispose();
            return soldUnits > units || variant.Sold > units ? 1 : 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Sale.ExecAsync(server, $"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)");
        }
    }

    private static async Task<(Guid EntityId, Guid ProductId, Guid VariantId, string Path)> ArrangeProductAsync(IServiceProvider services, int units, DateTimeOffset dropAt)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
        var now = DateTimeOffset.UtcNow;
        var entity = new Entity { Id = Guid.CreateVersion7(), Slug = "bench-store", Name = "Bench Store", Kind = EntityKind.Artist, CreatedAt = now };
        var product = new Product
        {
            Id = Guid.CreateVersion7(), EntityId = entity.Id, Slug = "drop", Name = "Limited drop", Kind = ProductKind.Physical, PriceMinor = 3000,
            Currency = "EUR", Visibility = ProductVisibility.Public, DropAt = dropAt, MaxPerOrder = 1, CreatedAt = now, UpdatedAt = now,
        };
        var variant = new ProductVariant { Id = Guid.CreateVersion7(), ProductId = product.Id, Name = "", Stock = units };
        product.Variants.Add(variant);
        db.AddRange(entity, product);
        await db.SaveChangesAsync();
        return (entity.Id, product.Id, variant.Id, $"/e/{entity.Slug}/store/{product.Slug}");
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tickets;

/// <summary>What both flash-sale runs share: the event, the signed-in buyers, forms and tokens.</summary>
internal static class Sale
{
    public static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static FormUrlEncodedContent Form(string token, params (string, string)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))]);

    /// <summary>A POST as htmx sends it from the event page's ticket form.</summary>
    public static HttpRequestMessage HtmxPost(string url, HttpContent form) => new(HttpMethod.Post, url)
    {
        Content = form, Headers = { { "HX-Request", "true" }, { "HX-Target", "event-tickets" } },
    };

    public static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } t ? t
        : Regex.Match(html, "data-token=\"([^\"]+)\"").Groups[1].Value;

    public static async Task<(Guid EventId, Guid TypeId)> ArrangeEventAsync(IServiceProvider services, int seats, string slug = "bench-flash-sale")
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShowgeoDb>();
        var now = DateTimeOffset.UtcNow;
        var entity = new Entity { Id = Guid.CreateVersion7(), Slug = slug + "-entity", Name = "Bench", Kind = EntityKind.Organisation, CreatedAt = now };
        var ev = new Event
        {
            Id = Guid.CreateVersion7(), EntityId = entity.Id, Slug = slug, Title = "Flash sale", StartsAt = now.AddDays(7),
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

    // Buyers get their auth cookie from the app's own SignInManager: the benchmark measures buying, not password hashing.
    public static async Task<CookieContainer[]> SignInBuyersAsync(IServiceProvider services, Uri baseAddress, int count)
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
            var jar = await Showgeo.Bench.BenchCookies.SignInAsync(scope.ServiceProvider, user, baseAddress);
            jars[i] = jar;
        });
        return jars;
    }

    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public static int IntArg(string[] args, string name, int fallback) => StringArg(args, name) is { } v && int.TryParse(v, out var n) && n > 0 ? n : fallback;

    public static string? StringArg(string[] args, string name) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>Arranges users, events and ticket types directly in the database; everything under test goes over HTTP.</summary>
public static class TicketsArrange
{
    public const string Password = "ticket-pass-1";
    private static readonly ConcurrentDictionary<string, string> HashCache = new();

    /// <summary>Hashing once and reusing the hash keeps creating hundreds of buyers fast.</summary>
    public static async Task<AppUser> UserAsync(ShowgeoApp app, string email, string name = "Test User")
    {
        return await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, DisplayName = name, CreatedAt = DateTimeOffset.UtcNow };
            user.PasswordHash = HashCache.GetOrAdd("h", _ => users.PasswordHasher.HashPassword(user, Password));
            var result = await users.CreateAsync(user);
            if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
            return user;
        });
    }

    public static async Task<WebClient> SignedInAsync(ShowgeoApp app, string email)
    {
        var client = app.CreateClient();
        var page = await client.SignInAsync(email, Password);
        if (page.Document.QuerySelector("[data-testid=user-name]") is null) throw new InvalidOperationException($"Sign-in failed for {email}");
        return client;
    }

    public sealed record Arranged(Entity Entity, Event Event, TicketType Type, AppUser Manager);

    public static async Task<Arranged> EventWithTicketsAsync(ShowgeoApp app, int capacity = 50, long priceMinor = 2500,
        int maxPerOrder = 4, string currency = "EUR", EventPhase phase = EventPhase.Pre, AppUser? manager = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        manager ??= await UserAsync(app, $"manager-{tag}@example.com", "Manager " + tag);
        var now = DateTimeOffset.UtcNow;
        var entity = new Entity { Id = Guid.CreateVersion7(), Slug = "ent-" + tag, Name = "Entity " + tag, Kind = EntityKind.Artist, CreatedAt = now };
        var ev = new Event
        {
            Id = Guid.CreateVersion7(), EntityId = entity.Id, Slug = "ev-" + tag, Title = "Show " + tag, StartsAt = now.AddDays(10),
            EndsAt = now.AddDays(10).AddHours(3), Phase = phase, Visibility = EventVisibility.Public, CreatedAt = now,
        };
        var type = new TicketType
        {
            Id = Guid.CreateVersion7(), EventId = ev.Id, Name = "General " + tag, PriceMinor = priceMinor, Currency = currency,
            Capacity = capacity, MaxPerOrder = maxPerOrder, CreatedAt = now,
        };
        await using var db = app.CreateDb();
        db.AddRange(entity, ev, type, new EntityMember { EntityId = entity.Id, UserId = manager.Id, Role = EntityRole.Owner, AddedAt = now });
        await db.SaveChangesAsync();
        return new Arranged(entity, ev, type, manager);
    }

    public static async Task AddMemberAsync(ShowgeoApp app, Guid entityId, Guid userId, EntityRole role)
    {
        await using var db = app.CreateDb();
        db.Add(new EntityMember { EntityId = entityId, UserId = userId, Role = role, AddedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>Opens the checkout page and submits the ticket form like a browser without JavaScript (no redirect following).</summary>
    public static async Task<HttpResponseMessage> CheckoutAsync(WebClient client, Guid eventId, IReadOnlyDictionary<string, string> fields, bool htmx = false)
    {
        var page = await client.GetAsync($"/checkout/{eventId}");
        return await client.SubmitRawAsync(page.Document, "#ticket-form", fields, htmx);
    }

    public static Dictionary<string, string> Qty(Guid typeId, int q) => new() { [$"Quantities[{typeId}]"] = q.ToString() };

    /// <summary>Buys and pays with the local test provider; returns the order id.</summary>
    public static async Task<Guid> BuyAndPayAsync(WebClient client, Guid eventId, Guid typeId, int quantity)
    {
        var response = await CheckoutAsync(client, eventId, Qty(typeId, quantity));
        if (!response.IsRedirect()) throw new InvalidOperationException("Checkout did not redirect: " + await response.Content.ReadAsStringAsync());
        var payUrl = response.Headers.Location!.ToString();
        var pay = await client.GetAsync(payUrl);
        await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        return Guid.Parse(payUrl.Split('/').Last());
    }
}

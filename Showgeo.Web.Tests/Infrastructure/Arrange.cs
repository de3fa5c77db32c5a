using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Features.Tours;
using static Microsoft.Playwright.Assertions;
using FollowRow = Showgeo.Web.Features.Follow.Follow;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>An event on sale: its entity, one ticket type, and the entity's owner.</summary>
public sealed record TicketedEvent(Entity Entity, Event Event, TicketType Type, AppUser Manager);

/// <summary>An order placed through the real checkout, and the fan who placed it.</summary>
public sealed record PlacedOrder(Order Order, AppUser Buyer);

/// <summary>
/// The one way tests make what they start from: rows written straight to the app's database (users, entities, tours,
/// events, ticket types, follows), clients signed in through the real sign-in form, and orders placed through the
/// real checkout. Everything under test then goes over HTTP. Every arranged account has <see cref="Password"/>.
/// </summary>
public static class Arrange
{
    /// <summary>The password of every account the tests arrange.</summary>
    public const string Password = "correct-horse-9";

    // Hashing is deliberately slow; one hash of the one password serves every arranged account.
    private static readonly SemaphoreSlim HashGate = new(1, 1);
    private static string? _passwordHash;

    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>Midnight UTC <paramref name="days"/> from today, plus 20 hours: an evening show.</summary>
    public static DateTimeOffset DaysFromNow(int days) =>
        new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(days).AddHours(20);

    /// <summary>A signed-in principal for calling services directly as <paramref name="userId"/>.</summary>
    public static ClaimsPrincipal Principal(Guid userId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], "test"));

    /// <summary>A local account with the demo password; its email is unconfirmed unless <paramref name="emailConfirmed"/>.</summary>
    public static async Task<AppUser> UserAsync(this ShowgeoApp app, string? email = null, string displayName = "Test User",
        string? handle = null, bool admin = false, bool emailConfirmed = false)
    {
        email ??= $"user-{Tag()}@example.com";
        return await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser
            {
                Id = Guid.CreateVersion7(), UserName = email, Email = email, DisplayName = displayName, Handle = handle,
                EmailConfirmed = emailConfirmed, CreatedAt = DateTimeOffset.UtcNow,
            };
            user.PasswordHash = await PasswordHashAsync(users, user);
            var created = await users.CreateAsync(user);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            if (admin) Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
            return user;
        });
    }

    private static async Task<string> PasswordHashAsync(UserManager<AppUser> users, AppUser user)
    {
        if (_passwordHash is { } hash) return hash;
        await HashGate.WaitAsync();
        try
        {
            return _passwordHash ??= users.PasswordHasher.HashPassword(user, Password);
        }
        finally
        {
            HashGate.Release();
        }
    }

    /// <summary>A client signed in as <paramref name="user"/> through the real sign-in form.</summary>
    public static async Task<WebClient> SignedInAsync(this ShowgeoApp app, AppUser user)
    {
        var client = app.CreateClient();
        var page = await client.SignInAsync(user.Email!, Password);
        Assert.True(page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim() == user.DisplayName,
            $"Sign-in failed for {user.Email}");
        return client;
    }

    /// <summary>A new account and a client signed in as it.</summary>
    public static async Task<(WebClient Client, AppUser User)> SignedInUserAsync(this ShowgeoApp app, string? email = null,
        string displayName = "Test User", string? handle = null, bool admin = false)
    {
        var user = await app.UserAsync(email, displayName, handle, admin);
        return (await app.SignedInAsync(user), user);
    }

    /// <summary>Signs a browser page in as <paramref name="user"/> through the sign-in form.</summary>
    public static async Task SignInAsync(this IPage page, AppUser user)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(user.Email!);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(user.DisplayName);
    }

    /// <summary>An entity named "Entity {slug}" unless named, with its members.</summary>
    public static async Task<Entity> EntityAsync(this ShowgeoApp app, string? slug = null, string? name = null,
        (Guid UserId, EntityRole Role)[]? members = null, string[]? genres = null, string? city = null, string bio = "",
        bool suspended = false)
    {
        slug ??= "ent-" + Tag();
        var now = DateTimeOffset.UtcNow;
        var entity = new Entity
        {
            Id = Guid.CreateVersion7(), Slug = slug, Name = name ?? $"Entity {slug}", Kind = EntityKind.Artist, Bio = bio,
            Genres = genres ?? [], City = city, CreatedAt = now,
            SuspendedAt = suspended ? now : null, SuspensionReason = suspended ? "Test" : null,
        };
        foreach (var (userId, role) in members ?? [])
            entity.Members.Add(new EntityMember { UserId = userId, Role = role, AddedAt = now });
        await using var db = app.CreateDb();
        db.Add(entity);
        await db.SaveChangesAsync();
        return entity;
    }

    public static async Task AddMemberAsync(this ShowgeoApp app, Guid entityId, Guid userId, EntityRole role)
    {
        await using var db = app.CreateDb();
        db.Add(new EntityMember { EntityId = entityId, UserId = userId, Role = role, AddedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    public static async Task<Tour> TourAsync(this ShowgeoApp app, Guid entityId, string? slug = null, string? name = null)
    {
        slug ??= "tour-" + Tag();
        var tour = new Tour { Id = Guid.CreateVersion7(), EntityId = entityId, Slug = slug, Name = name ?? $"Tour {slug}", CreatedAt = DateTimeOffset.UtcNow };
        await using var db = app.CreateDb();
        db.Add(tour);
        await db.SaveChangesAsync();
        return tour;
    }

    /// <summary>
    /// A published public event titled "Show {slug}" unless titled, ten days from now for three hours, in UTC. A city
    /// puts it in Great Britain unless a country is given; without one it is online.
    /// </summary>
    public static async Task<Event> EventAsync(this ShowgeoApp app, Guid entityId, string? slug = null, string? title = null,
        DateTimeOffset? startsAt = null, string? city = null, double? lat = null, double? lng = null, string[]? genres = null,
        string? venue = null, EventVisibility visibility = EventVisibility.Public, EventPhase phase = EventPhase.Pre,
        TimeSpan? length = null, Guid? tourId = null, bool isFree = false, string[]? allowedCountries = null,
        string timeZone = "UTC", string description = "", string? country = null)
    {
        slug ??= "ev-" + Tag();
        var start = startsAt ?? DaysFromNow(10);
        var ev = new Event
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, TourId = tourId, Slug = slug, Title = title ?? $"Show {slug}",
            Description = description, StartsAt = start, EndsAt = start + (length ?? TimeSpan.FromHours(3)), TimeZone = timeZone,
            VenueName = venue, City = city, Country = country ?? (city is null ? null : "GB"), Latitude = lat, Longitude = lng,
            Genres = genres ?? [], Visibility = visibility, Phase = phase, IsFree = isFree, AllowedCountries = allowedCountries ?? [],
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = app.CreateDb();
        db.Add(ev);
        await db.SaveChangesAsync();
        return ev;
    }

    public static async Task<TicketType> TicketTypeAsync(this ShowgeoApp app, Guid eventId, string? name = null, long priceMinor = 2500,
        string currency = "EUR", int capacity = 50, int maxPerOrder = 4)
    {
        var type = new TicketType
        {
            Id = Guid.CreateVersion7(), EventId = eventId, Name = name ?? "General " + Tag(), PriceMinor = priceMinor, Currency = currency,
            Capacity = capacity, MaxPerOrder = maxPerOrder, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = app.CreateDb();
        db.Add(type);
        await db.SaveChangesAsync();
        return type;
    }

    /// <summary>A new entity owned by <paramref name="manager"/> (a new account unless given) with one event selling one ticket type.</summary>
    public static async Task<TicketedEvent> EventWithTicketsAsync(this ShowgeoApp app, int capacity = 50, long priceMinor = 2500,
        int maxPerOrder = 4, string currency = "EUR", EventPhase phase = EventPhase.Pre, AppUser? manager = null)
    {
        var tag = Tag();
        manager ??= await app.UserAsync($"manager-{tag}@example.com", "Manager " + tag);
        var entity = await app.EntityAsync("ent-" + tag, members: [(manager.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, "ev-" + tag, phase: phase);
        var type = await app.TicketTypeAsync(ev.Id, "General " + tag, priceMinor, currency, capacity, maxPerOrder);
        return new TicketedEvent(entity, ev, type, manager);
    }

    /// <summary>Records that <paramref name="userId"/> follows the entity, keeping its follower count.</summary>
    public static async Task FollowAsync(this ShowgeoApp app, Guid userId, Guid entityId, DateTimeOffset? at = null)
    {
        await using var db = app.CreateDb();
        db.Add(new FollowRow { UserId = userId, EntityId = entityId, CreatedAt = at ?? DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        await db.Set<Entity>().Where(e => e.Id == entityId).ExecuteUpdateAsync(s => s.SetProperty(e => e.FollowerCount, e => e.FollowerCount + 1));
    }

    public static Dictionary<string, string> Qty(Guid typeId, int quantity) => new() { [$"Quantities[{typeId}]"] = quantity.ToString() };

    /// <summary>Opens the checkout page and submits the ticket form like a browser without JavaScript (no redirect following).</summary>
    public static async Task<HttpResponseMessage> CheckoutAsync(this WebClient client, Guid eventId, IReadOnlyDictionary<string, string> fields,
        bool htmx = false)
    {
        var page = await client.GetAsync($"/checkout/{eventId}");
        return await client.SubmitRawAsync(page.Document, "#ticket-form", fields, htmx);
    }

    /// <summary>Checks out and pays on the local test-payment page; returns the order id.</summary>
    public static async Task<Guid> BuyAndPayAsync(this WebClient client, Guid eventId, Guid typeId, int quantity)
    {
        using var response = await client.CheckoutAsync(eventId, Qty(typeId, quantity));
        Assert.True(response.IsRedirect(), "Checkout did not redirect: " + await response.Content.ReadAsStringAsync());
        var payUrl = response.Headers.Location!.OriginalString;
        var pay = await client.GetAsync(payUrl);
        await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        return Guid.Parse(payUrl.Split('/').Last());
    }

    /// <summary>A pending order for <paramref name="quantity"/> tickets, placed through the real checkout by <paramref name="buyer"/> (a new fan unless given).</summary>
    public static async Task<PlacedOrder> PendingOrderAsync(this ShowgeoApp app, TicketedEvent tickets, int quantity, AppUser? buyer = null)
    {
        buyer ??= await app.UserAsync(displayName: "Buyer");
        using var client = await app.SignedInAsync(buyer);
        using var response = await client.CheckoutAsync(tickets.Event.Id, Qty(tickets.Type.Id, quantity));
        Assert.True(response.IsRedirect(), "Checkout did not redirect: " + await response.Content.ReadAsStringAsync());
        return new PlacedOrder(await LatestOrderAsync(app, tickets.Event.Id, buyer.Id), buyer);
    }

    /// <summary>
    /// A paid order: placed through the real checkout, then paid on the local test-payment page, or, on an app with
    /// Stripe, applied as Stripe's checkout.session.completed webhook would (payment id "pi_{order id:N}").
    /// </summary>
    public static async Task<PlacedOrder> PaidOrderAsync(this ShowgeoApp app, TicketedEvent tickets, int quantity, AppUser? buyer = null)
    {
        buyer ??= await app.UserAsync(displayName: "Buyer");
        using var client = await app.SignedInAsync(buyer);
        using var response = await client.CheckoutAsync(tickets.Event.Id, Qty(tickets.Type.Id, quantity));
        Assert.True(response.IsRedirect(), "Checkout did not redirect: " + await response.Content.ReadAsStringAsync());
        var order = await LatestOrderAsync(app, tickets.Event.Id, buyer.Id);
        if (order.Provider == "stripe")
        {
            var outcome = await app.WithScopeAsync(sp => sp.GetRequiredService<OrderFulfilment>().MarkPaidAsync(new PaymentNotice("stripe",
                $"evt_{order.Id:N}", "checkout.session.completed", order.Id, order.ProviderSessionId, $"pi_{order.Id:N}",
                order.TotalMinor, order.Currency.ToLowerInvariant()), CancellationToken.None));
            Assert.Equal(FulfilmentOutcome.Fulfilled, outcome);
        }
        else
        {
            var pay = await client.GetAsync(response.Headers.Location!.OriginalString);
            await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
        }
        var paid = await LatestOrderAsync(app, tickets.Event.Id, buyer.Id);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        return new PlacedOrder(paid, buyer);
    }

    private static async Task<Order> LatestOrderAsync(ShowgeoApp app, Guid eventId, Guid buyerId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Order>().AsNoTracking().Where(o => o.ReferenceId == eventId && o.UserId == buyerId)
            .OrderByDescending(o => o.CreatedAt).FirstAsync();
    }
}

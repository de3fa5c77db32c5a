using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Follow;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Data;

public sealed class DemoDataOptions
{
    public const string Section = "Demo";
    /// <summary>Load demo entities, events and accounts at startup (idempotent). On for the local run command.</summary>
    public bool Seed { get; set; }
}

/// <summary>Demo content for local runs. Safe to run on every start: it does nothing once the demo fan exists.</summary>
public sealed class DemoData(ShowgeoDb db, UserManager<AppUser> users, RoleManager<IdentityRole<Guid>> roles, TimeProvider clock,
    IServiceProvider services, ILogger<DemoData> log)
{
    public const string Password = "showgeo-demo";
    public const string FanEmail = "fan@showgeo.local";
    public const string ManagerEmail = "manager@showgeo.local";
    public const string AdminEmail = "admin@showgeo.local";

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!await roles.RoleExistsAsync(Roles.Admin))
            await roles.CreateAsync(new IdentityRole<Guid>(Roles.Admin));
        if (await users.FindByEmailAsync(FanEmail) is not null) return;

        var now = clock.GetUtcNow();
        var fan = await CreateUser(FanEmail, "Demo Fan");
        var manager = await CreateUser(ManagerEmail, "Demo Manager");
        var admin = await CreateUser(AdminEmail, "Demo Admin");
        await users.AddToRoleAsync(admin, Roles.Admin);

        var entities = new[]
        {
            NewEntity("luna-waves", "Luna Waves", EntityKind.Artist, "Dream-pop trio from Lisbon.", ["dream-pop", "indie"], "Lisbon", "PT"),
            NewEntity("the-foundry", "The Foundry", EntityKind.Venue, "A 600-capacity room in an old ironworks.", ["rock", "electronic"], "Manchester", "GB"),
            NewEntity("northern-beats", "Northern Beats Collective", EntityKind.Organisation, "Club nights and day parties.", ["electronic", "house"], "Berlin", "DE"),
            NewEntity("kofi-strings", "Kofi Strings", EntityKind.Artist, "Highlife guitar and friends.", ["highlife", "jazz"], "Accra", "GH"),
        };
        db.AddRange(entities);
        foreach (var e in entities)
            db.Add(new EntityMember { EntityId = e.Id, UserId = manager.Id, Role = EntityRole.Owner, AddedAt = now });

        var events = new List<Event>
        {
            NewEvent(entities[0], "luna-waves-lisbon-night", "Luna Waves: Lisbon Night", now.AddDays(5), "Europe/Lisbon", "Coliseu dos Recreios", "Lisbon", "PT", 38.7169, -9.1399, ["dream-pop"]),
            NewEvent(entities[0], "luna-waves-manchester", "Luna Waves at The Foundry", now.AddDays(12), "Europe/London", "The Foundry", "Manchester", "GB", 53.4794, -2.2453, ["dream-pop", "indie"]),
            NewEvent(entities[1], "foundry-friday-rock", "Foundry Friday: Rock Night", now.AddDays(3), "Europe/London", "The Foundry", "Manchester", "GB", 53.4794, -2.2453, ["rock"]),
            NewEvent(entities[2], "northern-beats-warehouse", "Northern Beats Warehouse Party", now.AddDays(9), "Europe/Berlin", "Halle 7", "Berlin", "DE", 52.5200, 13.4050, ["electronic", "house"]),
            NewEvent(entities[3], "kofi-strings-live", "Kofi Strings Live in Accra", now.AddDays(20), "Africa/Accra", "Alliance Française", "Accra", "GH", 5.5600, -0.1969, ["highlife", "jazz"]),
            NewEvent(entities[2], "northern-beats-spring", "Northern Beats Spring Session", now.AddDays(-30), "Europe/Berlin", "Halle 7", "Berlin", "DE", 52.5200, 13.4050, ["electronic"], EventPhase.Post),
            NewEvent(entities[0], "luna-waves-porto", "Luna Waves in Porto", now.AddDays(-60), "Europe/Lisbon", "Hard Club", "Porto", "PT", 41.1412, -8.6137, ["dream-pop"], EventPhase.Post),
            NewEvent(entities[1], "foundry-rooftop-session", "Foundry Rooftop Session", now.AddDays(7), "Europe/London", "The Foundry roof", "Manchester", "GB", 53.4794, -2.2453, ["indie"]),
        };
        // Two free shows take RSVPs; the rest sell tickets (local test payments unless Stripe is configured).
        events[2].IsFree = true;
        events[4].IsFree = true;
        db.AddRange(events);

        var tour = new Tour
        {
            Id = Guid.NewGuid(), EntityId = entities[0].Id, Slug = "luna-waves-autumn-tour", Name = "Luna Waves Autumn Tour",
            Description = "Lisbon to Manchester with the new record.", CreatedAt = now,
        };
        db.Add(tour);
        events[0].TourId = tour.Id;
        events[1].TourId = tour.Id;

        db.AddRange(
            Tickets(events[0], "General admission", 2500, "EUR", 200), Tickets(events[0], "Front row", 6000, "EUR", 20, maxPerOrder: 2),
            Tickets(events[1], "General admission", 2200, "GBP", 300),
            Tickets(events[3], "Early bird", 1500, "EUR", 100), Tickets(events[3], "Standard", 2000, "EUR", 400),
            Tickets(events[7], "Rooftop pass", 1800, "GBP", 80));

        fan.City = "Manchester";
        fan.Country = "GB";
        fan.Handle = "demofan";
        manager.Handle = "demomanager";
        await users.UpdateAsync(fan);
        await users.UpdateAsync(manager);
        db.Add(new Follow { UserId = fan.Id, EntityId = entities[0].Id, CreatedAt = now });
        entities[0].FollowerCount = 1;
        await db.SaveChangesAsync(ct);
        // The fan's inbox starts with Luna Waves' two announcements, written by the same handler a publication runs;
        // the purchases and the cancellation below add theirs through the outbox as the app runs.
        foreach (var announced in new[] { events[0], events[1] })
            await services.GetRequiredService<NewEventNotice>().HandleAsync(new EventPublished(announced.Id, announced.EntityId),
                new DomainEventContext(Guid.NewGuid(), 1, now), ct);
        await PurchasesAsync(fan, manager, events[0], events[7], ct);
        await ChatAsync(fan, manager, events[0], ct);
        await Features.Store.StoreDemoData.SeedAsync(db, services.GetRequiredService<Features.Assets.AssetService>(), entities[0], entities[1],
            events[1], manager, now, ct);
        var tiers = await Features.Memberships.MembershipDemoData.SeedAsync(db, entities, fan, now, ct);
        var listening = NewEvent(entities[0], "luna-waves-members-listening-party", "Luna Waves: Members' Listening Party", now.AddDays(8),
            "Europe/Lisbon", "Studio Mar", "Lisbon", "PT", 38.7223, -9.1393, ["dream-pop"]);
        listening.IsFree = true;
        listening.Visibility = EventVisibility.Members;
        listening.MembersTierId = tiers[entities[0].Id].Id;
        db.Add(listening);
        await db.SaveChangesAsync(ct);
        await Features.Posts.PostsDemoData.SeedAsync(db, entities, fan, manager, tiers, now, ct);
        await Features.Streaming.StreamingDemoData.SeedAsync(db, events[6], ct);
        log.LogInformation("Demo data loaded: {Entities} entities, {Events} events, fan {Fan} / manager {Manager} / admin {Admin}",
            entities.Length, events.Count, fan.Email, manager.Email, admin.Email);

        Entity NewEntity(string slug, string name, EntityKind kind, string bio, string[] genres, string city, string country) => new()
        {
            Id = Guid.NewGuid(), Slug = slug, Name = name, Kind = kind, Bio = bio, Genres = genres, City = city,
            Country = country, IsVerified = kind != EntityKind.Organisation, CreatedAt = now,
        };

        Event NewEvent(Entity entity, string slug, string title, DateTimeOffset startsAt, string tz, string venue, string city,
            string country, double lat, double lng, string[] genres, EventPhase phase = EventPhase.Pre) => new()
        {
            Id = Guid.NewGuid(), EntityId = entity.Id, Slug = slug, Title = title,
            Description = $"{title}. Doors open an hour before the start.",
            StartsAt = startsAt, EndsAt = startsAt.AddHours(3), TimeZone = tz, VenueName = venue, City = city,
            Country = country, Latitude = lat, Longitude = lng, Genres = genres, Visibility = EventVisibility.Public,
            Phase = phase, CreatedAt = now,
        };
    }

    /// <summary>
    /// With test payments only (no Stripe key): the fan holds two paid tickets for the Lisbon night (wallet, check-in and
    /// refunds can be tried at once), and the rooftop session is cancelled after the fan paid, so its refund runs in the
    /// background and the tickets page shows its progress.
    /// </summary>
    private async Task PurchasesAsync(AppUser fan, AppUser manager, Event lisbon, Event rooftop, CancellationToken ct)
    {
        var checkout = services.GetRequiredService<PaymentCheckout>();
        if (checkout.ProviderName != "local") return;
        await PaidOrderAsync(fan, lisbon, 2, ct);
        await PaidOrderAsync(fan, rooftop, 1, ct);
        var owner = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, manager.Id.ToString())], "demo"));
        var cancelled = await services.GetRequiredService<EventLifecycle>()
            .ChangeAsync(rooftop.Id, EventPhase.Pre, EventPhase.Cancelled, owner, "High winds forecast on the roof.", ct);
        if (!cancelled.Succeeded) throw new InvalidOperationException($"Demo cancellation failed: {cancelled.Error}");

        async Task PaidOrderAsync(AppUser buyer, Event ev, int quantity, CancellationToken token)
        {
            var type = await db.Set<TicketType>().AsNoTracking().FirstAsync(t => t.EventId == ev.Id, token);
            var now = clock.GetUtcNow();
            var order = new Order
            {
                Id = Guid.CreateVersion7(), UserId = buyer.Id, Kind = TicketOrderKind.Name, ReferenceId = ev.Id, Status = OrderStatus.Pending,
                Currency = type.Currency, Provider = checkout.ProviderName, CreatedAt = now, HoldExpiresAt = now.AddMinutes(15),
                TotalMinor = type.PriceMinor * quantity,
                Lines = [new OrderLine { Id = Guid.CreateVersion7(), ItemId = type.Id, Name = type.Name, Quantity = quantity, UnitPriceMinor = type.PriceMinor }],
            };
            if (await checkout.PlaceAsync(order, token) is not null) throw new InvalidOperationException("Demo tickets could not be held.");
            var outcome = await services.GetRequiredService<OrderFulfilment>().MarkPaidAsync(new PaymentNotice("local", $"demo:{order.Id}", "local.paid",
                order.Id, PaymentId: $"local_pi_{order.Id:N}", AmountMinor: order.TotalMinor, Currency: order.Currency), token);
            if (outcome != FulfilmentOutcome.Fulfilled) throw new InvalidOperationException($"Demo payment: {outcome}");
        }
    }

    /// <summary>The Lisbon night's chat: a short history between the demo fan and manager, and an open poll the fan voted in.</summary>
    private async Task ChatAsync(AppUser fan, AppUser manager, Event lisbon, CancellationToken ct)
    {
        var chat = services.GetRequiredService<ChatService>();
        var host = await chat.ContextAsync(EventAccess.Decide(lisbon, new EventAccess.Viewer(manager.Id, true, false, false, true)), ct);
        var guest = await chat.ContextAsync(EventAccess.Decide(lisbon, new EventAccess.Viewer(fan.Id, false, false, true, true)), ct);
        foreach (var (who, text) in new[]
        {
            (host, "Welcome to the Lisbon Night chat! Doors open at 19:00."),
            (guest, "Can't wait, first time seeing Luna Waves live!"),
            (host, "The set list goes up here at showtime: https://example.com/luna-waves/set-list"),
            (guest, "Bringing two friends. See you at the front!"),
        })
        {
            if ((await chat.PostAsync(who, text, ct)).Error is { } error) throw new InvalidOperationException($"Demo chat: {error}");
        }
        if ((await chat.OpenPollAsync(host, "Which song should close the night?", ["Tidal", "Paper Moons", "Lisbon Lights"], ct)).Error is { } pollError)
            throw new InvalidOperationException($"Demo poll: {pollError}");
        var poll = await db.Set<ChatPoll>().AsNoTracking().SingleAsync(p => p.EventId == lisbon.Id, ct);
        if ((await chat.VoteAsync(guest, poll.Id, 1, ct)).Error is { } voteError) throw new InvalidOperationException($"Demo vote: {voteError}");
    }

    private TicketType Tickets(Event e, string name, long priceMinor, string currency, int capacity, int maxPerOrder = 6) => new()
    {
        Id = Guid.NewGuid(), EventId = e.Id, Name = name, PriceMinor = priceMinor, Currency = currency, Capacity = capacity,
        MaxPerOrder = maxPerOrder, CreatedAt = clock.GetUtcNow(),
    };

    private async Task<AppUser> CreateUser(string email, string name)
    {
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = clock.GetUtcNow() };
        var result = await users.CreateAsync(user, Password);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Demo user {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        return user;
    }
}

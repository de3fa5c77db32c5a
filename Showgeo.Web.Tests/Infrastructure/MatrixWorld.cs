using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>Who asks. Members are members of the world's entity A; the admin is a platform admin and no member.</summary>
public enum Actor { Anonymous, Fan, Coordinator, Manager, Owner, Admin }

/// <summary>What a request by one actor must get.</summary>
public enum Outcome
{
    /// <summary>2xx, or a redirect that is not to sign-in or access-denied; a POST must also change the database (unless the case says it writes nothing).</summary>
    Allowed,
    /// <summary>302 to /account/login.</summary>
    SignIn,
    /// <summary>403, or the cookie handler's redirect to /account/access-denied (policy failures on /admin).</summary>
    Forbidden,
    /// <summary>404: a resource the actor may not know about, or one that is not the target's.</summary>
    NotFound,
    /// <summary>The form back (200) with a message, or another 4xx (400, 409…): understood, refused, nothing written.</summary>
    Refused,
}

/// <summary>
/// The resources every catalog case works on. Entity A has the matrix actors as its owner, manager and coordinator,
/// one more coordinator (<see cref="TargetUserId"/>) to act on, a tour with one stop, one loose event, a ticketed event
/// with a paid and a pending order of the fan, a free event, one media file and an art-less event. Entity B belongs to
/// someone else and has the same kinds of things, bought by a stranger: cases use them to prove that A's team cannot
/// reach them through A's pages.
/// </summary>
public sealed record World(
    Guid EntityId, string Slug, string TourSlug, Guid StopEventId, Guid LooseEventId,
    Guid EventId, string EventSlug, string FreeEventSlug, Guid TypeId, Guid SpareTypeId,
    Guid PaidOrderId, Guid[] TicketIds, string TicketCode, Guid PendingOrderId, Guid AssetId, Guid DeadMessageId,
    Guid TargetUserId, string TargetHandle, string NewcomerEmail,
    Guid OtherEntityId, string OtherSlug, string OtherTourSlug, Guid OtherEventId, Guid OtherTypeId,
    Guid OtherOrderId, Guid OtherTicketId, string OtherTicketCode, Guid OtherPendingOrderId, Guid OtherAssetId,
    string ProductSlug = "", Guid VariantId = default, Guid StoreOrderId = default, Guid StoreLineId = default,
    Guid OtherStoreOrderId = default, Guid OtherStoreLineId = default,
    Guid TierId = default, Guid OtherTierId = default, Guid MembershipId = default, Guid OtherMembershipId = default,
    Guid PostId = default, Guid OtherPostId = default, Guid OtherCommentId = default, IReadOnlyDictionary<Actor, Guid>? CommentsBy = null,
    string OtherEventSlug = "")
{
    /// <summary>The comment <paramref name="actor"/> wrote on entity A's post (none for the anonymous visitor).</summary>
    public Guid CommentBy(Actor actor) => CommentsBy?.GetValueOrDefault(actor) ?? Guid.Empty;
}

/// <summary>A form to send: fields, and files (sent as multipart when there are any).</summary>
public sealed record FormBody(IReadOnlyDictionary<string, string> Fields, IReadOnlyList<FormFile>? Files = null)
{
    public static readonly FormBody Empty = new(new Dictionary<string, string>());

    public HttpContent ToContent()
    {
        if (Files is not { Count: > 0 }) return new FormUrlEncodedContent(Fields);
        var multipart = new MultipartFormDataContent();
        foreach (var (k, v) in Fields) multipart.Add(new StringContent(v), k);
        foreach (var f in Files)
        {
            var part = new ByteArrayContent(f.Bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(f.ContentType);
            multipart.Add(part, f.Name, f.FileName);
        }
        return multipart;
    }
}

public sealed record FormFile(string Name, string FileName, string ContentType, byte[] Bytes)
{
    /// <summary>The smallest valid PNG: what every image upload in the catalog sends.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    public static FormFile Image(string name) => new(name, "picture.png", "image/png", Png);
}

/// <summary>
/// The app the matrix and the sweep run against: the actors, each with a signed-in client kept for the whole class,
/// and worlds (<see cref="World"/>) written straight to the database, one shared by every case that must not change
/// anything and a fresh one for each case that does.
/// </summary>
public class MatrixApp : ShowgeoApp, IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _assets = Path.Combine(Path.GetTempPath(), "showgeo-matrix-" + Guid.NewGuid().ToString("N"));
    private Dictionary<Actor, Guid>? _ids;
    private Dictionary<Actor, (WebClient Client, IHtmlDocument TokenSource)>? _clients;
    private Dictionary<Actor, Showgeo.Web.Data.AppUser>? _users;
    private Guid _strangerId;
    private World? _shared;

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Assets:Root"] = _assets;
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var (client, _) in _clients?.Values ?? Enumerable.Empty<(WebClient, IHtmlDocument)>()) client.Dispose();
        await DisposeAsync();
        if (Directory.Exists(_assets)) Directory.Delete(_assets, recursive: true);
    }

    public Guid IdOf(Actor actor) => _ids![actor];

    /// <summary>
    /// A page carrying the actor's antiforgery token. Public pages reach anonymous visitors from the page cache without
    /// one, so an anonymous actor takes its token from the sign-in form.
    /// </summary>
    private static string TokenPage(Actor actor) => actor == Actor.Anonymous ? "/account/login" : "/";

    /// <summary>The actor's class-wide client and a page carrying its antiforgery token.</summary>
    public async Task<(WebClient Client, IHtmlDocument TokenSource)> ClientAsync(Actor actor)
    {
        await EnsureActorsAsync();
        return _clients![actor];
    }

    /// <summary>A client of its own for a case that signs in or out, so the shared ones keep their identity.</summary>
    public async Task<(WebClient Client, IHtmlDocument TokenSource)> FreshClientAsync(Actor actor)
    {
        await EnsureActorsAsync();
        var client = actor == Actor.Anonymous ? CreateClient() : await this.SignedInAsync(_users![actor]);
        return (client, (await client.GetAsync(TokenPage(actor))).Document);
    }

    /// <summary>The world shared by every case that must leave the database as it was.</summary>
    public async Task<World> SharedWorldAsync()
    {
        await EnsureActorsAsync();
        await _gate.WaitAsync();
        try
        {
            return _shared ??= await NewWorldCoreAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<World> NewWorldAsync()
    {
        await EnsureActorsAsync();
        return await NewWorldCoreAsync();
    }

    private async Task EnsureActorsAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_clients is not null) return;
            var ids = new Dictionary<Actor, Guid>();
            var users = new Dictionary<Actor, Showgeo.Web.Data.AppUser>();
            var clients = new Dictionary<Actor, (WebClient, IHtmlDocument)>();
            foreach (var actor in Enum.GetValues<Actor>())
            {
                WebClient client;
                if (actor == Actor.Anonymous) client = CreateClient();
                else
                {
                    var user = await this.UserAsync($"{actor.ToString().ToLowerInvariant()}@matrix.test", actor.ToString(), admin: actor == Actor.Admin);
                    (ids[actor], users[actor]) = (user.Id, user);
                    client = await this.SignedInAsync(user);
                }
                clients[actor] = (client, (await client.GetAsync(TokenPage(actor))).Document);
            }
            _strangerId = (await this.UserAsync("stranger@matrix.test", "Stranger")).Id;
            (_ids, _users, _clients) = (ids, users, clients);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<World> NewWorldCoreAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var now = DateTimeOffset.UtcNow;
        var codes = Services.GetRequiredService<TicketCodes>();
        var target = await this.UserAsync($"target-{tag}@matrix.test", "Target", handle: $"target{tag}");
        var newcomer = await this.UserAsync($"newcomer-{tag}@matrix.test", "Newcomer");
        var otherOwner = await this.UserAsync($"other-{tag}@matrix.test", "Other Owner");

        var a = await this.EntityAsync($"a-{tag}", members:
            [(IdOf(Actor.Owner), EntityRole.Owner), (IdOf(Actor.Manager), EntityRole.Manager),
             (IdOf(Actor.Coordinator), EntityRole.Coordinator), (target.Id, EntityRole.Coordinator)]);
        var tour = await this.TourAsync(a.Id, $"t-a-{tag}", "Matrix tour");
        var stop = await this.EventAsync(a.Id, $"a-{tag}-stop", startsAt: Arrange.DaysFromNow(10), tourId: tour.Id);
        var loose = await this.EventAsync(a.Id, $"a-{tag}-loose", startsAt: Arrange.DaysFromNow(20));
        var ev = await this.EventAsync(a.Id, $"a-{tag}-show", startsAt: Arrange.DaysFromNow(30));
        var free = await this.EventAsync(a.Id, $"a-{tag}-free", startsAt: Arrange.DaysFromNow(31), isFree: true);
        var type = await this.TicketTypeAsync(ev.Id, "General", capacity: 50);
        var spare = await this.TicketTypeAsync(ev.Id, "Spare", capacity: 10);

        var b = await this.EntityAsync($"b-{tag}", members: [(otherOwner.Id, EntityRole.Owner)]);
        var otherTour = await this.TourAsync(b.Id, $"t-b-{tag}", "Other tour");
        var otherEvent = await this.EventAsync(b.Id, $"b-{tag}-show", startsAt: Arrange.DaysFromNow(30));
        var otherType = await this.TicketTypeAsync(otherEvent.Id, "Other general", capacity: 50);

        await using var db = CreateDb();
        var paid = PaidOrder(IdOf(Actor.Fan), ev.Id, type, 2, codes, now, db);
        var pending = PendingOrder(IdOf(Actor.Fan), ev.Id, type, 1, now, db);
        var otherPaid = PaidOrder(_strangerId, otherEvent.Id, otherType, 1, codes, now, db);
        var otherPending = PendingOrder(_strangerId, otherEvent.Id, otherType, 1, now, db);
        var product = StoreProduct(a.Id, $"matrix-{tag}", now, db);
        var otherProduct = StoreProduct(b.Id, $"other-{tag}", now, db);
        var storeOrder = StoreOrder(IdOf(Actor.Fan), a.Id, product, now, db);
        var otherStoreOrder = StoreOrder(_strangerId, b.Id, otherProduct, now, db);
        var tier = Tier(a.Id, now, db);
        var otherTier = Tier(b.Id, now, db);
        var membership = Member(IdOf(Actor.Fan), tier, now, db);
        var otherMembership = Member(_strangerId, otherTier, now, db);
        var post = MatrixPost(a.Id, now, db);
        var otherPost = MatrixPost(b.Id, now, db);
        var commentsBy = Enum.GetValues<Actor>().Where(x => x != Actor.Anonymous)
            .ToDictionary(x => x, x => MatrixComment(post, IdOf(x), now, db));
        var otherComment = MatrixComment(otherPost, _strangerId, now, db);
        var asset = Asset(IdOf(Actor.Owner), a.Id, now, db);
        var otherAsset = Asset(otherOwner.Id, b.Id, now, db);
        var dead = new OutboxMessage
        {
            Id = Guid.CreateVersion7(), Type = "MatrixNothingHappened", Payload = "{}", OccurredAt = now, Status = OutboxStatus.Dead,
            Attempts = 3, NextAttemptAt = now, LastError = "matrix: never delivered",
        };
        db.Add(dead);
        await db.SaveChangesAsync();
        await Showgeo.Web.Tests.Features.Chat.ChatMatrix.OtherRoomAsync(db, otherEvent.Id, otherOwner.Id, target.Id);
        await using (var conn = new NpgsqlConnection(ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "UPDATE ticket_types SET sold = sold + 2, held = held + 1 WHERE id = @a; UPDATE ticket_types SET sold = sold + 1, held = held + 1 WHERE id = @b", conn);
            cmd.Parameters.AddWithValue("a", type.Id);
            cmd.Parameters.AddWithValue("b", otherType.Id);
            await cmd.ExecuteNonQueryAsync();
        }

        return new World(a.Id, a.Slug, tour.Slug, stop.Id, loose.Id, ev.Id, ev.Slug, free.Slug, type.Id, spare.Id,
            paid.Order.Id, paid.Tickets.Select(t => t.Id).ToArray(), paid.Tickets[0].Code, pending.Id, asset.Id, dead.Id,
            target.Id, target.Handle!, newcomer.Email!,
            b.Id, b.Slug, otherTour.Slug, otherEvent.Id, otherType.Id, otherPaid.Order.Id, otherPaid.Tickets[0].Id,
            otherPaid.Tickets[0].Code, otherPending.Id, otherAsset.Id,
            product.Slug, product.Variants[0].Id, storeOrder.Id, storeOrder.Lines[0].Id, otherStoreOrder.Id, otherStoreOrder.Lines[0].Id,
            tier.Id, otherTier.Id, membership.Id, otherMembership.Id,
            post.Id, otherPost.Id, otherComment, commentsBy, OtherEventSlug: otherEvent.Slug);
    }

    /// <summary>An open membership tier of 5.00 EUR a month.</summary>
    private static MembershipTier Tier(Guid entityId, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var tier = new MembershipTier
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, Name = "Matrix supporter", Rank = 1, PriceMinor = 500, Currency = "EUR",
            Perks = "", CreatedAt = now, UpdatedAt = now,
        };
        db.Add(tier);
        return tier;
    }

    /// <summary>An active membership paid with a test payment, renewing in a month.</summary>
    private static Membership Member(Guid userId, MembershipTier tier, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var m = new Membership
        {
            Id = Guid.CreateVersion7(), TierId = tier.Id, EntityId = tier.EntityId, UserId = userId, Status = MembershipStatus.Active,
            PriceMinor = tier.PriceMinor, Currency = tier.Currency, IsTest = true, PaidSignalAt = now, CurrentPeriodEnd = now.AddMonths(1),
            AccessUntil = now.AddMonths(1), CreatedAt = now, UpdatedAt = now,
        };
        db.Add(m);
        return m;
    }

    /// <summary>A public post, out a minute ago.</summary>
    private static Showgeo.Web.Features.Posts.Post MatrixPost(Guid entityId, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var post = new Showgeo.Web.Features.Posts.Post
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, Title = "Matrix post", BodyMarkdown = "Matrix body", BodyHtml = "<p>Matrix body</p>",
            Excerpt = "Matrix body", Visibility = Showgeo.Web.Features.Posts.PostVisibility.Public, PublishAt = now.AddMinutes(-1),
            PublishedAt = now.AddMinutes(-1), CreatedAt = now, UpdatedAt = now,
        };
        db.Add(post);
        return post;
    }

    private static Guid MatrixComment(Showgeo.Web.Features.Posts.Post post, Guid authorId, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var id = Guid.CreateVersion7();
        db.Add(new Showgeo.Web.Features.Posts.PostComment
        {
            Id = id, PostId = post.Id, ThreadId = id, AuthorUserId = authorId, Body = "Matrix comment", CreatedAt = now,
        });
        return id;
    }

    /// <summary>A public physical product of one option with 50 in stock, one of them sold.</summary>
    private static Product StoreProduct(Guid entityId, string slug, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var product = new Product
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, Slug = slug, Name = "Matrix tee", Kind = ProductKind.Physical, PriceMinor = 2000,
            Currency = "EUR", Visibility = ProductVisibility.Public, DroppedAt = now, MaxPerOrder = 5, CreatedAt = now, UpdatedAt = now,
        };
        product.Variants.Add(new ProductVariant { Id = Guid.CreateVersion7(), Name = "", Stock = 50, Sold = 1 });
        db.Add(product);
        return product;
    }

    /// <summary>A paid store order of one unit, with a shipping address.</summary>
    private static Order StoreOrder(Guid buyer, Guid entityId, Product product, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var id = Guid.CreateVersion7();
        var line = new OrderLine { Id = Guid.CreateVersion7(), OrderId = id, ItemId = product.Variants[0].Id, Name = product.Name, Quantity = 1, UnitPriceMinor = product.PriceMinor };
        var order = new Order
        {
            Id = id, UserId = buyer, Kind = StoreOrderKind.Name, ReferenceId = entityId, Status = OrderStatus.Paid, TotalMinor = product.PriceMinor,
            Currency = product.Currency, Provider = PaymentMode.TestProvider, ProviderPaymentId = $"local_pi_{id:N}", PaidAt = now,
            HoldExpiresAt = now.AddMinutes(15), CreatedAt = now, Lines = [line],
        };
        db.Add(order);
        db.Add(new StoreOrder
        {
            OrderId = id, EntityId = entityId, RequiresShipping = true, ShipName = "Fan", ShipLine1 = "1 Street", ShipCity = "Leeds",
            ShipPostcode = "LS1 1AA", ShipCountry = "GB",
        });
        db.Add(new StoreOrderLine { OrderLineId = line.Id, OrderId = id, ProductId = product.Id, VariantId = line.ItemId });
        return order;
    }

    /// <summary>Puts one of the world's product in <paramref name="actor"/>'s cart (anonymous visitors have no account cart).</summary>
    public async Task CartLineAsync(World w, Actor actor)
    {
        if (actor == Actor.Anonymous) return;
        await using var db = CreateDb();
        var userId = IdOf(actor);
        var cart = await db.Set<Cart>().SingleOrDefaultAsync(c => c.UserId == userId);
        if (cart is null)
        {
            cart = new Cart { Id = Guid.CreateVersion7(), UserId = userId, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            db.Add(cart);
        }
        if (!await db.Set<CartLine>().AnyAsync(l => l.CartId == cart.Id && l.VariantId == w.VariantId))
            db.Add(new CartLine { CartId = cart.Id, VariantId = w.VariantId, Quantity = 1, SeenUnitPriceMinor = 2000, AddedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    private static (Order Order, List<Ticket> Tickets) PaidOrder(Guid buyer, Guid eventId, TicketType type, int quantity,
        TicketCodes codes, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var order = Order(buyer, eventId, type, quantity, OrderStatus.Paid, now);
        order.ProviderPaymentId = $"local_pi_{order.Id:N}";
        order.PaidAt = now;
        var tickets = Enumerable.Range(0, quantity).Select(_ => new Ticket
        {
            Id = Guid.CreateVersion7(), OrderId = order.Id, TicketTypeId = type.Id, EventId = eventId, UserId = buyer,
            Code = codes.NewCode(), Status = TicketStatus.Valid, PriceMinor = type.PriceMinor, CreatedAt = now,
        }).ToList();
        db.Add(order);
        db.AddRange(tickets);
        return (order, tickets);
    }

    private static Order PendingOrder(Guid buyer, Guid eventId, TicketType type, int quantity, DateTimeOffset now,
        Showgeo.Web.Data.ShowgeoDb db)
    {
        var order = Order(buyer, eventId, type, quantity, OrderStatus.Pending, now);
        db.Add(order);
        return order;
    }

    private static Order Order(Guid buyer, Guid eventId, TicketType type, int quantity, OrderStatus status, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7();
        return new Order
        {
            Id = id, UserId = buyer, Kind = TicketOrderKind.Name, ReferenceId = eventId, Status = status,
            TotalMinor = type.PriceMinor * quantity, Currency = type.Currency, Provider = PaymentMode.TestProvider,
            HoldExpiresAt = now.AddMinutes(15), CreatedAt = now,
            Lines = [new OrderLine { Id = Guid.CreateVersion7(), OrderId = id, ItemId = type.Id, Name = type.Name, Quantity = quantity, UnitPriceMinor = type.PriceMinor }],
        };
    }

    private static Asset Asset(Guid owner, Guid entityId, DateTimeOffset now, Showgeo.Web.Data.ShowgeoDb db)
    {
        var asset = new Asset
        {
            Id = Guid.CreateVersion7(), OwnerUserId = owner, EntityId = entityId, Kind = AssetKind.Document,
            ContentType = "application/pdf", FileName = "rider.pdf", SizeBytes = 100, StorageKey = $"matrix/{Guid.NewGuid():N}",
            CreatedAt = now,
        };
        db.Add(asset);
        return asset;
    }

    public async Task SetEntityAsync(Guid entityId, bool verified = false, bool suspended = false)
    {
        await using var db = CreateDb();
        await db.Set<Entity>().Where(e => e.Id == entityId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.IsVerified, verified)
            .SetProperty(e => e.SuspendedAt, suspended ? DateTimeOffset.UtcNow : null)
            .SetProperty(e => e.SuspensionReason, suspended ? "Earlier problem" : null));
    }

    public async Task SuspendUserAsync(Guid userId)
    {
        await using var db = CreateDb();
        await db.Set<Showgeo.Web.Data.AppUser>().Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.SuspendedAt, DateTimeOffset.UtcNow)
            .SetProperty(u => u.SuspensionReason, "Earlier problem"));
    }

    public async Task RsvpAsync(string eventSlug, Guid userId)
    {
        await using var db = CreateDb();
        var eventId = await db.Set<Event>().Where(e => e.Slug == eventSlug).Select(e => e.Id).SingleAsync();
        if (await db.Set<Rsvp>().AnyAsync(r => r.EventId == eventId && r.UserId == userId)) return;
        db.Add(new Rsvp { EventId = eventId, UserId = userId, Status = RsvpStatus.Going, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    public async Task SetEventArtAsync(Guid eventId, Guid assetId)
    {
        await using var db = CreateDb();
        await db.Set<Event>().Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.ArtAssetId, assetId));
    }

    /// <summary>Gives the user a profile picture (a row; the file itself is not needed to delete it).</summary>
    public async Task GiveAvatarAsync(Guid userId)
    {
        await using var db = CreateDb();
        var asset = new Asset
        {
            Id = Guid.CreateVersion7(), OwnerUserId = userId, Kind = AssetKind.Image, ContentType = "image/png", FileName = "me.png",
            SizeBytes = FormFile.Png.Length, StorageKey = $"matrix/{Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(asset);
        await db.SaveChangesAsync();
        await db.Set<Showgeo.Web.Data.AppUser>().Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.AvatarAssetId, asset.Id));
    }

    /// <summary>Waits until the outbox has delivered what earlier cases wrote, so their handlers cannot change a later case's snapshot.</summary>
    public async Task SettleAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        for (var waited = 0; ; waited += 50)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE status = 'Pending'", conn);
            if ((long)(await cmd.ExecuteScalarAsync())! == 0) return;
            if (waited > 15_000) throw new TimeoutException("The outbox did not drain within 15 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends one catalog request as a browser's form (or link) would, with the client's antiforgery token.</summary>
    public static async Task<HttpResponseMessage> SendAsync(WebClient client, IHtmlDocument tokenSource, string method, string url,
        FormBody? form, bool htmx = false)
    {
        using var request = new HttpRequestMessage(method == "GET" ? HttpMethod.Get : HttpMethod.Post, url);
        if (method != "GET")
        {
            request.Content = (form ?? FormBody.Empty).ToContent();
            var token = tokenSource.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
                        ?? tokenSource.QuerySelector("#antiforgery")?.GetAttribute("data-token")
                        ?? throw new InvalidOperationException("The page carries no antiforgery token.");
            request.Headers.Add("RequestVerificationToken", token);
        }
        if (htmx) request.Headers.Add("HX-Request", "true");
        return await client.Http.SendAsync(request);
    }
}

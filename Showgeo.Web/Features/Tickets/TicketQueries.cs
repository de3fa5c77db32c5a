using Microsoft.EntityFrameworkCore;
using QRCoder;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Tickets;

public sealed record TicketTypeRow(Guid Id, string Name, long PriceMinor, string Currency, int Capacity, int Sold, int Held,
    int MaxPerOrder, DateTimeOffset? SaleStartsAt, DateTimeOffset? SaleEndsAt)
{
    public int Remaining => Math.Max(0, Capacity - Sold - Held);
    public bool OnSaleAt(DateTimeOffset now) => (SaleStartsAt is null || now >= SaleStartsAt) && (SaleEndsAt is null || now < SaleEndsAt);
}

/// <summary>What the ticket section of an event page shows; also re-rendered with an error after a failed checkout.</summary>
public sealed class TicketFormView
{
    public Guid EventId { get; init; }
    public string EventTitle { get; init; } = "";
    public string EventSlug { get; init; } = "";
    public DateTimeOffset Now { get; init; }
    public List<TicketTypeRow> Types { get; init; } = [];
    public bool SignedIn { get; init; }
    /// <summary>Why this viewer may not buy (from <see cref="EventAccess"/>), shown instead of the form; null when they may.</summary>
    public string? Refusal { get; init; }
    public Dictionary<Guid, int> Quantities { get; set; } = [];
    public string? Error { get; set; }
    public bool SoldOut { get; set; }
}

public sealed record WalletTicket(Guid Id, Guid OrderId, string EventTitle, string EventSlug, DateTimeOffset StartsAt, string TypeName,
    string Code, TicketStatus Status, DateTimeOffset? UsedAt, bool TestPurchase);

public sealed record OrderSummary(Guid Id, string EventTitle, OrderStatus Status, long TotalMinor, long RefundedMinor, string Currency, DateTimeOffset CreatedAt);

/// <summary>The reads the ticket pages share, each projected to what the page shows.</summary>
public sealed class TicketQueries(ShowgeoDb db, TimeProvider clock)
{
    /// <summary>
    /// The ticket section for a viewer who sees the event in full, as <paramref name="access"/> decided: the form, or the
    /// refusal instead of it (a viewer who only has to sign in sees the prices and a sign-in link).
    /// </summary>
    public async Task<TicketFormView> FormAsync(EventAccessDecision access, CancellationToken ct) =>
        Form(access, await TypesAsync(access.Event.Id, ct));

    /// <summary>The ticket section over <paramref name="types"/> already read (all of the event's types, in <see cref="TypesAsync"/> order).</summary>
    public TicketFormView Form(EventAccessDecision access, IEnumerable<TicketTypeRow> types) => new()
    {
        EventId = access.Event.Id, EventTitle = access.Event.Title, EventSlug = access.Event.Slug, Now = clock.GetUtcNow(),
        Types = types.ToList(),
        SignedIn = access.SignedIn,
        Refusal = access.BuyRefusal is { Kind: not EventRefusalKind.SignInRequired } refusal ? refusal.Message : null,
    };

    public Task<List<TicketTypeRow>> TypesAsync(Guid eventId, CancellationToken ct) =>
        db.Set<TicketType>().AsNoTracking().Where(t => t.EventId == eventId).OrderBy(t => t.PriceMinor).ThenBy(t => t.Name)
            .Select(t => new TicketTypeRow(t.Id, t.Name, t.PriceMinor, t.Currency, t.Capacity, t.Sold, t.Held, t.MaxPerOrder, t.SaleStartsAt, t.SaleEndsAt))
            .ToListAsync(ct);

    public Task<List<WalletTicket>> WalletAsync(Guid userId, CancellationToken ct) =>
        (from t in db.Set<Ticket>().AsNoTracking()
         join e in db.Set<Event>() on t.EventId equals e.Id
         join tt in db.Set<TicketType>() on t.TicketTypeId equals tt.Id
         join o in db.Set<Order>() on t.OrderId equals o.Id
         where t.UserId == userId
         orderby e.StartsAt, t.CreatedAt
         select new WalletTicket(t.Id, t.OrderId, e.Title, e.Slug, e.StartsAt, tt.Name, t.Code, t.Status, t.UsedAt,
             o.Provider == PaymentMode.TestProvider))
        .Take(500).ToListAsync(ct);

    public Task<List<OrderSummary>> OrdersAsync(Guid userId, CancellationToken ct) =>
        (from o in db.Set<Order>().AsNoTracking()
         join e in db.Set<Event>() on o.ReferenceId equals e.Id
         where o.UserId == userId && o.Kind == TicketOrderKind.Name
         orderby o.CreatedAt descending
         select new OrderSummary(o.Id, e.Title, o.Status, o.TotalMinor, o.RefundedMinor, o.Currency, o.CreatedAt))
        .Take(100).ToListAsync(ct);

    public static string QrDataUri(string code)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
    }
}

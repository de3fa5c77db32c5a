using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

public sealed record ManagedOrder(Guid Id, string BuyerEmail, OrderStatus Status, long TotalMinor, long RefundedMinor, string Currency, DateTimeOffset CreatedAt);

public sealed record ManagedTicket(Guid Id, Guid OrderId, string TypeName, TicketStatus Status);

/// <summary>Ticket types, orders and refunds for one event (ManageMoney: owners and managers).</summary>
[Authorize]
public sealed class ManageTicketsModel(ShowgeoDb db, ManagedEventGate gate, TicketQueries queries, RefundService refunds, SoldOutShelf shelf, TimeProvider clock) : PageModel
{
    public const int OrdersPerPage = 50;
    public const int SearchMaxLength = 100;
    private const int MaxPage = 100_000;

    // REVIEW: a short list of currencies Stripe settles in; extend when an entity needs another.
    private static readonly HashSet<string> Currencies = ["EUR", "USD", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "JPY", "BRL", "MXN", "ZAR", "GHS", "NGN", "KES", "INR", "SGD", "HKD"];

    public sealed class TypeInput
    {
        public string? Name { get; set; }
        public string? Price { get; set; }
        public string? Currency { get; set; }
        public int Capacity { get; set; } = 100;
        public int MaxPerOrder { get; set; } = 6;
        public DateTime? SaleStartsAt { get; set; }
        public DateTime? SaleEndsAt { get; set; }
    }

    [BindProperty] public TypeInput Input { get; set; } = new();

    public ManagedEvent Event { get; private set; } = null!;
    public List<TicketTypeRow> Types { get; private set; } = [];
    public List<ManagedOrder> Orders { get; private set; } = [];
    /// <summary>The orders list's page (1-based) and search; GETs read them from the query, POSTs from the form's
    /// hidden fields, so a refund returns to the page and search it was made from.</summary>
    public int OrdersPage { get; private set; } = 1;
    public string? Search { get; private set; }
    public bool HasNextOrders { get; private set; }
    public Dictionary<Guid, List<ManagedTicket>> TicketsByOrder { get; private set; } = [];
    public string? Message { get; private set; }
    /// <summary>Set once the event is cancelled: how far the background refunds have got.</summary>
    public CancellationProgress? Cancellation { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        if (QueryPaging.Parse(Request.Query["page"], MaxPage) is not { } page) return BadRequest();
        OrdersPage = page;
        Search = NormaliseSearch(Request.Query["q"]);
        // Shown inside the panel, as the htmx path shows it, rather than at the top of the page.
        Message = Flash.Take(TempData);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        var now = clock.GetUtcNow();
        var name = Input.Name?.Trim() ?? "";
        var currency = Input.Currency?.Trim().ToUpperInvariant() ?? "";
        if (name.Length is 0 or > 120) ModelState.AddModelError("Input.Name", "Give the ticket type a name (up to 120 characters).");
        if (!Currencies.Contains(currency)) ModelState.AddModelError("Input.Currency", "Use a three-letter currency code such as EUR, GBP or USD.");
        var existing = await db.Set<TicketType>().Where(t => t.EventId == eventId).Select(t => t.Currency).Distinct().ToListAsync(ct);
        if (existing.Count > 0 && !existing.Contains(currency))
            ModelState.AddModelError("Input.Currency", $"This event already sells tickets in {existing[0]}; all its tickets must use one currency.");
        var price = Currencies.Contains(currency) ? Money.ParseMinor(Input.Price, currency) : null;
        if (Currencies.Contains(currency) && price is null)
            ModelState.AddModelError("Input.Price", $"Enter a price such as {(Money.Decimals(currency) == 0 ? "2500" : "25.00")} (zero or more).");
        if (Input.Capacity is < 1 or > 1_000_000) ModelState.AddModelError("Input.Capacity", "Capacity must be between 1 and 1,000,000.");
        if (Input.MaxPerOrder is < 1 or > 50) ModelState.AddModelError("Input.MaxPerOrder", "Per-order limit must be between 1 and 50.");
        DateTimeOffset? starts = Input.SaleStartsAt is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : null;
        DateTimeOffset? ends = Input.SaleEndsAt is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : null;
        if (ends is not null && ends <= now) ModelState.AddModelError("Input.SaleEndsAt", "The sale window must end in the future.");
        if (starts is not null && ends is not null && starts >= ends) ModelState.AddModelError("Input.SaleStartsAt", "The sale must start before it ends.");
        if (!ModelState.IsValid) return await RenderAsync(ct);

        db.Add(new TicketType
        {
            Id = Guid.CreateVersion7(), EventId = eventId, Name = name, PriceMinor = price!.Value, Currency = currency,
            Capacity = Input.Capacity, MaxPerOrder = Input.MaxPerOrder, SaleStartsAt = starts, SaleEndsAt = ends, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        shelf.Forget(eventId);
        Input = new();
        return await DoneAsync($"Added {name}.", ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string slug, Guid eventId, Guid typeId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        var inUse = await db.Set<OrderLine>().AnyAsync(l => l.ItemId == typeId, ct);
        // Decided by this delete alone: the page's Input is bound on every POST, and a stray error there must not
        // report a deletion that happened as refused.
        var error = inUse ? "This ticket type has orders; it cannot be deleted."
            : await db.Set<TicketType>().Where(t => t.Id == typeId && t.EventId == eventId).ExecuteDeleteAsync(ct) == 0
                ? "That ticket type is not part of this event." : null;
        if (error is null)
        {
            shelf.Forget(eventId);
            return await DoneAsync("Ticket type deleted.", ct);
        }
        ModelState.AddModelError("", error);
        return await RenderAsync(ct);
    }

    public Task<IActionResult> OnPostRefundOrderAsync(string slug, Guid eventId, Guid orderId, CancellationToken ct) =>
        RefundAsync(slug, eventId, new RefundAsk(orderId), ct);

    public Task<IActionResult> OnPostRefundTicketAsync(string slug, Guid eventId, Guid orderId, Guid ticketId, CancellationToken ct) =>
        RefundAsync(slug, eventId, new RefundAsk(orderId, UnitIds: [ticketId]), ct);

    public async Task<IActionResult> OnPostRefundAmountAsync(string slug, Guid eventId, Guid orderId, string? amount, CancellationToken ct)
    {
        var currency = await db.Set<Order>().ForEvent(eventId).Where(o => o.Id == orderId).Select(o => o.Currency).SingleOrDefaultAsync(ct) ?? "EUR";
        var minor = Money.ParseMinor(amount, currency);
        if (minor is null or <= 0)
        {
            if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
            ModelState.AddModelError("", "Enter the amount to refund, such as 5.00.");
            return await RenderAsync(ct);
        }
        return await RefundAsync(slug, eventId, new RefundAsk(orderId, AmountMinor: minor, Reason: "Partial refund by organiser"), ct);
    }

    private async Task<IActionResult> RefundAsync(string slug, Guid eventId, RefundAsk ask, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        if (!await db.Set<Order>().ForEvent(eventId).AnyAsync(o => o.Id == ask.OrderId, ct))
        {
            ModelState.AddModelError("", "That order is not for this event.");
            return await RenderAsync(ct);
        }
        var result = await refunds.RefundAsync(ask, EntityAccess.UserId(User), ct);
        if (!result.Ok)
        {
            ModelState.AddModelError("", result.Message);
            return await RenderAsync(ct);
        }
        shelf.Forget(eventId);
        return await DoneAsync(result.Message, ct);
    }

    private async Task<IActionResult> DoneAsync(string message, CancellationToken ct)
    {
        Message = message;
        if (Request.WantsFragment()) await LoadAsync(ct);
        return this.FragmentOrRedirect("_TicketAdmin", OrdersUrl(OrdersPage), message);
    }

    /// <summary>This page showing the orders list at <paramref name="page"/>, keeping the search.</summary>
    public string OrdersUrl(int page)
    {
        var query = new Microsoft.AspNetCore.Http.Extensions.QueryBuilder();
        if (Search is not null) query.Add("q", Search);
        // "page" is also a Razor Pages route value, so it cannot go through Url.Page's values.
        if (page > 1) query.Add("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return PageUrl + query.ToQueryString();
    }

    public string PageUrl => Url.Page("/Tickets/ManageTickets", new { slug = Event.EntitySlug, eventId = Event.Id })!;

    private static string? NormaliseSearch(string? raw)
    {
        var q = raw?.Trim();
        return string.IsNullOrEmpty(q) ? null : q.Length <= SearchMaxLength ? q : q[..SearchMaxLength];
    }

    private async Task<IActionResult> RenderAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return this.PageOrPartial("_TicketAdmin");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Types = await queries.TypesAsync(Event.Id, ct);
        Cancellation = await CancellationProgress.ForEventAsync(db, Event.Id, ct);
        var orders = from o in db.Set<Order>().AsNoTracking().ForEvent(Event.Id)
                     join u in db.Set<AppUser>() on o.UserId equals u.Id
                     where o.Status != OrderStatus.Expired && o.Status != OrderStatus.Failed && o.Status != OrderStatus.Cancelled
                     select new { o, Email = u.Email ?? "" };
        if (Search?.ToLowerInvariant() is { } term)
            orders = orders.Where(x => x.Email.ToLower().Contains(term) || x.o.Id.ToString().StartsWith(term));
        // Id breaks ties so a page never repeats or skips an order placed in the same instant; one row more than a
        // page tells whether there is a next one without counting.
        var rows = await orders.OrderByDescending(x => x.o.CreatedAt).ThenByDescending(x => x.o.Id)
            .Skip((OrdersPage - 1) * OrdersPerPage).Take(OrdersPerPage + 1)
            .Select(x => new ManagedOrder(x.o.Id, x.Email, x.o.Status, x.o.TotalMinor, x.o.RefundedMinor, x.o.Currency, x.o.CreatedAt))
            .ToListAsync(ct);
        HasNextOrders = rows.Count > OrdersPerPage;
        Orders = rows.Take(OrdersPerPage).ToList();
        var ids = Orders.Select(o => o.Id).ToArray();
        TicketsByOrder = (await (from t in db.Set<Ticket>().AsNoTracking()
                                 join tt in db.Set<TicketType>() on t.TicketTypeId equals tt.Id
                                 where ids.Contains(t.OrderId)
                                 orderby t.CreatedAt
                                 select new ManagedTicket(t.Id, t.OrderId, tt.Name, t.Status)).ToListAsync(ct))
            .GroupBy(t => t.OrderId).ToDictionary(g => g.Key, g => g.ToList());
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, Guid eventId, CancellationToken ct)
    {
        var (ev, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.ManageMoney, ct);
        if (denied is not null) return denied;
        Event = ev!;
        if (Request.HasFormContentType)
        {
            var form = await Request.ReadFormAsync(ct);
            OrdersPage = QueryPaging.Parse(form["ordersPage"], MaxPage) ?? 1;
            Search = NormaliseSearch(form["q"]);
        }
        return null;
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Store.Manage;

public sealed record ManagedStoreLine(Guid LineId, string Name, int Quantity, long UnitPriceMinor, bool IsDigital, bool Refunded);

public sealed record ManagedStoreOrder(Order Order, string BuyerEmail, StoreOrder Store, List<ManagedStoreLine> Lines);

/// <summary>
/// A store's orders. Coordinators, managers and owners see them and mark physical ones shipped; refunds (whole
/// orders or single lines, which return stock) take the money permission.
/// </summary>
public sealed class OrdersModel(ShowgeoDb db, ManagedEntityGate gate, RefundService refunds, TimeProvider clock) : PageModel
{
    public const int Shown = 100;

    public ManagedEntity Entity { get; private set; } = null!;
    public List<ManagedStoreOrder> Orders { get; private set; } = [];
    public bool CanRefund => Entity.Can(StorePermissions.Refunds);

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, StorePermissions.Fulfilment, ct) is { } denied) return denied;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostShipAsync(string slug, Guid orderId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, StorePermissions.Fulfilment, ct) is { } denied) return denied;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var order = await db.LockOrderAsync(orderId, ct);
        var store = order is { Kind: StoreOrderKind.Name } && order.ReferenceId == Entity.Id
            ? await db.Set<StoreOrder>().SingleOrDefaultAsync(s => s.OrderId == orderId, ct) : null;
        var error = store is null ? "That order is not from this store."
            : !store.RequiresShipping ? "This order has nothing to ship."
            : store.ShippedAt is not null ? "This order is already marked shipped."
            : order!.Status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded) ? $"Only paid orders can be shipped (this one is {order.Status})."
            : null;
        if (error is not null) return await FailAsync(error, ct);
        store!.ShippedAt = now;
        store.ShippedByUserId = EntityAccess.UserId(User);
        db.AddDomainEvent(new StoreOrderShipped(orderId, Entity.Id, order!.UserId, now), now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Store/Manage/Orders", new { slug = Entity.Slug })!, "Marked shipped; the buyer is told.");
    }

    public Task<IActionResult> OnPostRefundOrderAsync(string slug, Guid orderId, CancellationToken ct) =>
        RefundAsync(slug, new RefundAsk(orderId, Reason: "Refunded by the store"), ct);

    public Task<IActionResult> OnPostRefundLineAsync(string slug, Guid orderId, Guid lineId, CancellationToken ct) =>
        RefundAsync(slug, new RefundAsk(orderId, UnitIds: [lineId], Reason: "Item refunded by the store"), ct);

    private async Task<IActionResult> RefundAsync(string slug, RefundAsk ask, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, StorePermissions.Refunds, ct) is { } denied) return denied;
        if (!await db.Set<Order>().ForStore(Entity.Id).AnyAsync(o => o.Id == ask.OrderId, ct))
            return await FailAsync("That order is not from this store.", ct);
        var result = await refunds.RefundAsync(ask, EntityAccess.UserId(User), ct);
        if (!result.Ok) return await FailAsync(result.Message, ct);
        return this.RedirectAfterPost(Url.Page("/Store/Manage/Orders", new { slug = Entity.Slug })!, result.Message);
    }

    private async Task<IActionResult> FailAsync(string message, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        ModelState.AddModelError("", message);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var rows = await (from o in db.Set<Order>().AsNoTracking().Include(o => o.Lines).ForStore(Entity.Id)
                          join s in db.Set<StoreOrder>() on o.Id equals s.OrderId
                          join u in db.Set<AppUser>() on o.UserId equals u.Id
                          where o.Status != OrderStatus.Expired && o.Status != OrderStatus.Failed && o.Status != OrderStatus.Cancelled
                          orderby o.CreatedAt descending, o.Id descending
                          select new { Order = o, Store = s, Email = u.Email ?? "" }).Take(Shown).ToListAsync(ct);
        var ids = rows.Select(r => r.Order.Id).ToArray();
        var extra = await db.Set<StoreOrderLine>().AsNoTracking().Where(s => ids.Contains(s.OrderId)).ToDictionaryAsync(s => s.OrderLineId, ct);
        Orders = rows.Select(r => new ManagedStoreOrder(r.Order, r.Email, r.Store,
            r.Order.Lines.OrderBy(l => l.Name).Select(l => new ManagedStoreLine(l.Id, l.Name, l.Quantity, l.UnitPriceMinor,
                extra.GetValueOrDefault(l.Id)?.IsDigital ?? false, extra.GetValueOrDefault(l.Id)?.RefundedAt is not null)).ToList())).ToList();
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, EntityPermission permission, CancellationToken ct)
    {
        var (entity, denied) = await gate.CheckAsync(slug, User, permission, ct);
        if (denied is not null) return denied;
        Entity = entity!;
        return null;
    }
}

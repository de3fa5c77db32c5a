using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Tickets;

public static class TicketOrders
{
    /// <summary>The ticket orders of one event.</summary>
    public static IQueryable<Order> ForEvent(this IQueryable<Order> orders, Guid eventId) =>
        orders.Where(o => o.Kind == TicketOrderKind.Name && o.ReferenceId == eventId);
}

/// <summary>
/// Tickets as an order kind: an order's reference is the event, its items are ticket types, its units are tickets.
/// Seats move only by conditional updates on ticket_types inside Payments' transaction, so sold + held never exceeds
/// capacity whoever races.
/// </summary>
public sealed class TicketOrderKind(ShowgeoDb db, TicketCodes codes, SoldOutShelf shelf, TimeProvider clock, LinkGenerator links) : IOrderKind
{
    public const string Name = "tickets";

    public string Kind => Name;

    public async Task<OrderLine?> HoldAsync(Order order, CancellationToken ct)
    {
        // Rows are locked last and in id order: the hot ticket_types row is held only for the few statements below.
        foreach (var line in order.Lines.OrderBy(l => l.ItemId))
        {
            var rows = await db.Database.ExecuteSqlAsync($"""
                UPDATE ticket_types SET held = held + {line.Quantity}
                WHERE id = {line.ItemId} AND sold + held + {line.Quantity} <= capacity
                """, ct);
            if (rows == 0) return line;
        }
        return null;
    }

    public async Task<bool> FulfilAsync(Order order, IReadOnlyList<OrderLine> lines, bool held, CancellationToken ct)
    {
        // A payment that lands after the event left sale (ended, cancelled) is refunded, never seated.
        var onSale = await db.Set<Event>().AnyAsync(e => e.Id == order.ReferenceId && (e.Phase == EventPhase.Pre || e.Phase == EventPhase.Live), ct);
        if (!onSale)
        {
            if (held) await ReleaseAsync([order.Id], ct);
            return false;
        }
        if (held)
        {
            foreach (var line in lines)
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE ticket_types SET held = held - {line.Quantity}, sold = sold + {line.Quantity} WHERE id = {line.ItemId}", ct);
        }
        else if (!await ReReserveAsync(lines, ct))
        {
            return false;
        }
        var now = clock.GetUtcNow();
        foreach (var line in lines)
            for (var i = 0; i < line.Quantity; i++)
                db.Add(new Ticket
                {
                    Id = Guid.CreateVersion7(), OrderId = order.Id, TicketTypeId = line.ItemId, EventId = order.ReferenceId!.Value,
                    UserId = order.UserId, Code = codes.NewCode(), Status = TicketStatus.Valid, PriceMinor = line.UnitPriceMinor,
                    CreatedAt = now,
                });
        return true;
    }

    public async Task ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct)
    {
        var ids = orderIds.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE ticket_types t SET held = t.held - x.q
            FROM (SELECT item_id, sum(quantity)::int AS q FROM order_lines WHERE order_id = ANY({ids}) GROUP BY item_id) x
            WHERE t.id = x.item_id
            """, ct);
        // Seats are back: this instance stops answering "sold out" from memory at once (others within a second).
        shelf.ForgetAll();
    }

    public async Task<IReadOnlyList<RefundableUnit>> RefundableUnitsAsync(Guid orderId, CancellationToken ct) =>
        await db.Set<Ticket>().Where(t => t.OrderId == orderId && t.Status != TicketStatus.Refunded)
            .OrderBy(t => t.Id).Select(t => new RefundableUnit(t.Id, t.PriceMinor, t.RefundedMinor)).ToListAsync(ct);

    /// <summary>Refunded tickets stop admitting at once; unused ones return their seat, a scanned one does not.</summary>
    public async Task RefundedAsync(Order order, IReadOnlyCollection<Guid> unitIds, bool fullyRefunded, CancellationToken ct)
    {
        var tickets = fullyRefunded
            ? await db.Set<Ticket>().Where(t => t.OrderId == order.Id && t.Status != TicketStatus.Refunded).ToListAsync(ct)
            : await db.Set<Ticket>().Where(t => t.OrderId == order.Id && unitIds.Contains(t.Id) && t.Status != TicketStatus.Refunded).ToListAsync(ct);
        foreach (var group in tickets.Where(t => t.Status == TicketStatus.Valid).GroupBy(t => t.TicketTypeId).OrderBy(g => g.Key))
            await db.Database.ExecuteSqlAsync($"UPDATE ticket_types SET sold = sold - {group.Count()} WHERE id = {group.Key}", ct);
        shelf.ForgetAll();
        foreach (var t in tickets)
        {
            t.Status = TicketStatus.Refunded;
            t.RefundedMinor = t.PriceMinor;
        }
    }

    public string ReceiptPath(Guid orderId) =>
        links.GetPathByPage("/Tickets/Receipt", values: new { orderId }) ?? throw new InvalidOperationException("The receipt page has no route.");

    public async Task<string> TitleAsync(Order order, CancellationToken ct) =>
        await db.Set<Event>().Where(e => e.Id == order.ReferenceId).Select(e => e.Title).SingleOrDefaultAsync(ct) ?? "Tickets";

    /// <summary>A payment for a lapsed hold: take the seats again if they are still free, all or nothing.</summary>
    private async Task<bool> ReReserveAsync(IReadOnlyList<OrderLine> lines, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction!;
        await tx.CreateSavepointAsync("reseat", ct);
        foreach (var line in lines)
        {
            var rows = await db.Database.ExecuteSqlAsync($"""
                UPDATE ticket_types SET sold = sold + {line.Quantity}
                WHERE id = {line.ItemId} AND sold + held + {line.Quantity} <= capacity
                """, ct);
            if (rows == 0)
            {
                await tx.RollbackToSavepointAsync("reseat", ct);
                return false;
            }
        }
        return true;
    }
}

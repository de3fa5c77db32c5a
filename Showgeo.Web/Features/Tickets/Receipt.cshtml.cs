using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Tickets;

[Authorize]
public sealed class ReceiptModel(ShowgeoDb db) : PageModel
{
    public Order Order { get; private set; } = null!;
    public string EventTitle { get; private set; } = "";
    public List<Refund> Refunds { get; private set; } = [];
    public int TicketCount { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == userId && o.Kind == TicketOrderKind.Name, ct);
        if (order is null) return NotFound();
        Order = order;
        EventTitle = await db.Set<Event>().Where(e => e.Id == order.ReferenceId).Select(e => e.Title).SingleAsync(ct);
        Refunds = await db.Set<Refund>().AsNoTracking().Where(r => r.OrderId == orderId).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        TicketCount = await db.Set<Ticket>().CountAsync(t => t.OrderId == orderId && t.Status != TicketStatus.Refunded, ct);
        return Page();
    }
}

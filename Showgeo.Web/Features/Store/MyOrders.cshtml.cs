using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Store;

public sealed record MyOrderRow(Guid Id, string Kind, string Title, OrderStatus Status, long TotalMinor, long RefundedMinor,
    string Currency, DateTimeOffset CreatedAt, string Path);

/// <summary>Every order of the signed-in fan, of every kind (tickets, store…), newest first, each linking to its kind's page.</summary>
public sealed class MyOrdersModel(ShowgeoDb db, OrderKinds kinds) : PageModel
{
    public const int Shown = 100;

    public List<MyOrderRow> Orders { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        var orders = await db.Set<Order>().AsNoTracking()
            .Where(o => o.UserId == userId && o.Status != OrderStatus.Failed)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(Shown).ToListAsync(ct);
        foreach (var o in orders)
        {
            var kind = kinds.For(o.Kind);
            Orders.Add(new MyOrderRow(o.Id, o.Kind, await kind.TitleAsync(o, ct), o.Status, o.TotalMinor, o.RefundedMinor, o.Currency,
                o.CreatedAt, kind.ReceiptPath(o.Id)));
        }
        return Page();
    }
}

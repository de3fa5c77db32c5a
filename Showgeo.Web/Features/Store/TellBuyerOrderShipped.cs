using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// Mails the buyer that their order is on its way. Runs from the outbox, so a slow or failing mail server never holds
/// up the manager's click; a retry after a lost acknowledgement may send the mail twice, which is harmless.
/// </summary>
public sealed class TellBuyerOrderShipped(ShowgeoDb db, IEmailSender email, LinkGenerator links) : IDomainEventHandler<StoreOrderShipped>
{
    public async Task HandleAsync(StoreOrderShipped shipped, DomainEventContext context, CancellationToken ct)
    {
        var buyer = await db.Set<AppUser>().AsNoTracking().Where(u => u.Id == shipped.UserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        var store = await db.Set<Entity>().AsNoTracking().Where(e => e.Id == shipped.EntityId).Select(e => e.Name).SingleOrDefaultAsync(ct);
        if (buyer is null || store is null) return;
        var path = links.GetPathByPage("/Store/OrderDetails", values: new { orderId = shipped.OrderId }) ?? "/me/orders";
        var html = HtmlEncoder.Default;
        await email.SendAsync(buyer, $"Your {store} order has shipped",
            $"<p>Your order from {html.Encode(store)} was shipped on {shipped.ShippedAt.UtcDateTime:d MMM yyyy}.</p>" +
            $"<p>See it at {html.Encode(path)}.</p>", ct);
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Tickets;

[Authorize]
public sealed class WalletModel(TicketQueries queries) : PageModel
{
    public List<WalletTicket> Tickets { get; private set; } = [];
    public List<OrderSummary> Orders { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User)!.Value;
        Tickets = await queries.WalletAsync(userId, ct);
        Orders = await queries.OrdersAsync(userId, ct);
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

/// <summary>Places a hold for the chosen tickets and sends the fan to pay. Prices come from the database, never the form.</summary>
[Authorize]
public sealed class CheckoutModel(TicketQueries queries, TicketInventory inventory) : PageModel
{
    [BindProperty]
    public Dictionary<Guid, int> Quantities { get; set; } = [];

    public TicketFormView Form { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid eventId, CancellationToken ct)
    {
        if (await queries.FormAsync(eventId, ct) is not { } form) return NotFound();
        Form = form;
        Form.SignedIn = true;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid eventId, CancellationToken ct)
    {
        if (!ModelState.IsValid)
            return await ProblemAsync(eventId, "Quantities must be whole numbers between 0 and the per-order limit.", false, ct);

        // The hold goes first: in a flash sale the fast path (seats taken, off to pay) should touch the database least.
        var held = await inventory.HoldAsync(EntityAccess.UserId(User)!.Value, eventId, Quantities, ct);
        if (held.Order is null) return await ProblemAsync(eventId, held.Error!, held.SoldOut, ct);

        var baseUrl = $"{Request.Scheme}://{Request.Host}";
        var (start, error) = await inventory.StartPaymentAsync(held.Order, baseUrl, User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value, ct);
        if (start is null) return await ProblemAsync(eventId, error!, false, ct);
        if (Request.IsHtmx())
        {
            // htmx cannot follow a redirect to another origin (Stripe); ask it to navigate the whole page instead.
            Response.Htmx(h => h.Redirect(start.RedirectUrl));
            return new OkResult();
        }
        return Redirect(start.RedirectUrl);
    }

    private async Task<IActionResult> ProblemAsync(Guid eventId, string message, bool soldOut, CancellationToken ct)
    {
        if (await queries.FormAsync(eventId, ct) is not { } form) return NotFound();
        Form = form;
        Form.SignedIn = true;
        Form.Quantities = Quantities;
        Form.Error = message;
        Form.SoldOut = soldOut;
        return this.PageOrPartial("~/Features/Tickets/_TicketForm.cshtml", Form);
    }
}

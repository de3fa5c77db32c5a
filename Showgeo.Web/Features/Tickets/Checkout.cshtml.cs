using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// Places a hold for the chosen tickets and sends the fan to pay. Prices come from the database, never the form. Who
/// may buy is <see cref="EventAccess"/>'s answer: hidden events are 404, followers-only events answer 403 to others
/// with the message only, and any other refusal comes back as the ticket section carrying it, with nothing written.
/// </summary>
[Authorize]
[EnableRateLimiting(RateLimits.Checkout)]
public sealed class CheckoutModel(EventAccess eventAccess, TicketQueries queries, TicketInventory inventory, HoldAdmission admission) : PageModel
{
    [BindProperty]
    public Dictionary<Guid, int> Quantities { get; set; } = [];

    public TicketFormView? Form { get; private set; }
    /// <summary>Set when the viewer may not see the event's details: the page shows only this.</summary>
    public string? Refusal { get; private set; }
    public string EventTitle { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid eventId, CancellationToken ct)
    {
        if (await eventAccess.ByIdAsync(eventId, User, ct) is not { } access) return NotFound();
        if (Unseen(access) is { } unseen) return unseen;
        Form = await queries.FormAsync(access, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid eventId, CancellationToken ct)
    {
        // Buyers take their turn at the database in arrival order (see HoldAdmission); the wait is the queue, not a retry.
        using var turn = await admission.EnterAsync(ct);
        if (turn is null)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            return Content(BusyMessage);
        }

        if (await eventAccess.ByIdAsync(eventId, User, ct) is not { } access) return NotFound();
        if (Unseen(access) is { } unseen) return unseen;
        if (!access.CanBuy) return await ProblemAsync(access, null, false, null, ct);
        if (!ModelState.IsValid)
            return await ProblemAsync(access, "Quantities must be whole numbers between 0 and the per-order limit.", false, null, ct);

        // The hold goes first: in a flash sale the fast path (seats taken, off to pay) should touch the database least.
        var held = await inventory.HoldAsync(access, Quantities, ct);
        if (held.Order is null) return await ProblemAsync(access, held.Error!, held.SoldOut, held.Types, ct);

        var baseUrl = $"{Request.Scheme}://{Request.Host}";
        var (start, error) = await inventory.StartPaymentAsync(held.Order, baseUrl, User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value, ct);
        if (start is null) return await ProblemAsync(access, error!, false, null, ct);
        if (Request.IsHtmx())
        {
            // htmx cannot follow a redirect to another origin (Stripe); ask it to navigate the whole page instead.
            Response.Htmx(h => h.Redirect(start.RedirectUrl));
            return new OkResult();
        }
        return Redirect(start.RedirectUrl);
    }

    public const string BusyMessage = "So many fans are buying right now that your request could not wait for its turn. Try again in a few seconds.";

    /// <summary>404 for an event hidden from the viewer, 403 with the message for one whose details they may not see.</summary>
    private IActionResult? Unseen(EventAccessDecision access)
    {
        if (access.Page == EventPageAccess.Hidden) return NotFound();
        if (access.CanSeePage) return null;
        EventTitle = access.Event.Title;
        Refusal = access.BuyRefusal?.Message ?? EventAccess.FollowersOnlyMessage;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    /// <param name="types">The event's ticket types as the refusal read them; null to read them now.</param>
    private async Task<IActionResult> ProblemAsync(EventAccessDecision access, string? message, bool soldOut,
        IReadOnlyList<TicketTypeRow>? types, CancellationToken ct)
    {
        Form = types is null ? await queries.FormAsync(access, ct) : queries.Form(access, types);
        Form.Quantities = Quantities;
        Form.Error = message;
        Form.SoldOut = soldOut;
        return this.PageOrPartial("~/Features/Tickets/_TicketForm.cshtml", Form);
    }
}

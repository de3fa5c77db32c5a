using System.Security.Claims;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// Joining one tier: the tier with its price and perks, and the button that starts the first payment. Refusals (full,
/// archived, already a member) come back on this page with the reason; nothing is written for them.
/// </summary>
public sealed class JoinModel(ShowgeoDb db, MembershipJoin join, PaymentMode mode, TimeProvider clock) : PageModel
{
    public MembershipTier Tier { get; private set; } = null!;
    public string EntityName { get; private set; } = "";
    public string EntitySlug { get; private set; } = "";
    public bool Full { get; private set; }
    public bool Simulated => mode.Simulated;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tierId, CancellationToken ct) =>
        await LoadAsync(tierId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid tierId, CancellationToken ct)
    {
        if (!await LoadAsync(tierId, ct)) return NotFound();
        var outcome = await join.JoinAsync(tierId, EntityAccess.UserId(User)!.Value, $"{Request.Scheme}://{Request.Host}",
            User.FindFirstValue(ClaimTypes.Email), ct);
        if (outcome.RedirectUrl is not { } url)
        {
            Error = outcome.Refusal;
            await LoadAsync(tierId, ct);
            return Page();
        }
        if (Request.IsHtmx())
        {
            // The payment page may be Stripe's, another origin: htmx navigates the whole page.
            Response.Htmx(h => h.Redirect(url));
            return new OkResult();
        }
        return Redirect(url);
    }

    private async Task<bool> LoadAsync(Guid tierId, CancellationToken ct)
    {
        var found = await (from t in db.Set<MembershipTier>().AsNoTracking()
                           join e in db.Set<Entity>() on t.EntityId equals e.Id
                           where t.Id == tierId && e.SuspendedAt == null
                           select new { t, e.Name, e.Slug }).SingleOrDefaultAsync(ct);
        if (found is null) return false;
        (Tier, EntityName, EntitySlug) = (found.t, found.Name, found.Slug);
        Full = Tier.MemberLimit is { } limit
            && await db.Set<Membership>().WithAccess(clock.GetUtcNow()).CountAsync(m => m.TierId == tierId, ct) >= limit;
        return true;
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Follow;

/// <summary>
/// Follow / unfollow one entity. htmx gets the button back, marked to replace every copy of it on the page; a plain
/// form is redirected to where it came from.
/// </summary>
[Authorize]
public sealed class ToggleModel(ShowgeoDb db, FollowWriter writer) : PageModel
{
    public FollowButton? Button { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid entityId, CancellationToken ct)
    {
        // Nothing to show at this address; send a stray GET to the entity's page.
        var slug = await db.Set<Entity>().Where(e => e.Id == entityId).Select(e => e.Slug).FirstOrDefaultAsync(ct);
        return slug is null ? NotFound() : LocalRedirect(Url.Page("/Entities/Profile", new { slug })!);
    }

    public Task<IActionResult> OnPostFollowAsync(Guid entityId, string? returnUrl, CancellationToken ct) =>
        ChangeAsync(entityId, returnUrl, follow: true, ct);

    public Task<IActionResult> OnPostUnfollowAsync(Guid entityId, string? returnUrl, CancellationToken ct) =>
        ChangeAsync(entityId, returnUrl, follow: false, ct);

    private async Task<IActionResult> ChangeAsync(Guid entityId, string? returnUrl, bool follow, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User)!.Value;
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Id == entityId)
            .Select(e => new { e.Name, e.Slug }).FirstOrDefaultAsync(ct);
        if (entity is null) return NotFound();

        var back = SafeReturnUrl.Or(Url, returnUrl, Url.Page("/Entities/Profile", new { slug = entity.Slug })!);
        var result = follow ? await writer.FollowAsync(userId, entityId, ct) : await writer.UnfollowAsync(userId, entityId, ct);
        if (result.Outcome == FollowOutcome.EntityNotFound) return NotFound();

        string? message = result.Outcome == FollowOutcome.EntitySuspended
            ? $"{entity.Name} is suspended and cannot be followed right now."
            : null;
        Button = new FollowButton(entityId, entity.Name, result.FollowerCount, result.IsFollowing, SignedIn: true, back, message)
        {
            ReplacesEveryCopy = true,
        };

        // htmx does not swap 4xx bodies by default, so htmx gets the refusal inside the button; a plain form gets a page.
        if (message is not null && !Request.WantsFragment())
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        // No flash: the fan lands back where they clicked and the button there already says what happened.
        return this.FragmentOrRedirect("_FollowButton", back, flash: null, Button);
    }
}

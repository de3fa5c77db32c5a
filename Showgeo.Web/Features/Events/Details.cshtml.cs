using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Events;

/// <summary>
/// The public event page. Visibility: drafts exist only for the entity's team (404 for everyone else); unlisted
/// events open by link; followers-only events show their content to followers and the team, and a follow hint to others.
/// </summary>
public sealed class DetailsModel(ShowgeoDb db, EntityAccess access, Rsvps rsvps, ViewerCountry viewerCountry, TicketQueries tickets) : PageModel
{
    public Event Event { get; private set; } = null!;
    public string EntityName { get; private set; } = "";
    public string EntitySlug { get; private set; } = "";
    public string? TourName { get; private set; }
    public string? TourSlug { get; private set; }
    public bool IsMember { get; private set; }
    /// <summary>A followers-only event seen by someone who does not follow the entity: only the hint is shown.</summary>
    public bool FollowersOnly { get; private set; }
    public RsvpCounts Counts { get; private set; } = new(0, 0);
    public RsvpStatus? MyRsvp { get; private set; }
    public string? RsvpMessage { get; private set; }
    public bool RegionBlocked { get; private set; }
    /// <summary>The ticket section; null when the event sells no tickets (or is a draft).</summary>
    public TicketFormView? Tickets { get; private set; }
    public bool SignedIn => EntityAccess.UserId(User) is not null;
    public bool RsvpOpen => Event.IsFree && Event.Phase is EventPhase.Pre or EventPhase.Live;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct) =>
        await LoadAsync(slug, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRsvpAsync(string slug, RsvpStatus status, CancellationToken ct)
    {
        if (!await LoadAsync(slug, ct)) return NotFound();
        if (EntityAccess.UserId(User) is not { } userId) return Challenge();
        if (RefusalReason() is { } reason) return Refuse(reason);
        if (!Enum.IsDefined(status)) return Refuse("Choose Going or Interested.");
        await rsvps.SetAsync(Event.Id, userId, status, ct);
        return await AfterChangeAsync(userId, ct);
    }

    public async Task<IActionResult> OnPostUnrsvpAsync(string slug, CancellationToken ct)
    {
        if (!await LoadAsync(slug, ct)) return NotFound();
        if (EntityAccess.UserId(User) is not { } userId) return Challenge();
        if (FollowersOnly) return Refuse("This event is for followers only.");
        // Withdrawing is always allowed, even where a new RSVP would be refused.
        await rsvps.RemoveAsync(Event.Id, userId, ct);
        return await AfterChangeAsync(userId, ct);
    }

    private string? RefusalReason()
    {
        if (FollowersOnly) return "This event is for followers only.";
        if (!Event.IsFree) return "This event uses tickets, not RSVPs.";
        if (!RsvpOpen) return "RSVPs are closed for this event.";
        if (RegionBlocked) return ViewerCountry.NotAvailableMessage;
        return null;
    }

    private IActionResult Refuse(string message)
    {
        RsvpMessage = message;
        return this.PageOrPartial("_Rsvp");
    }

    private async Task<IActionResult> AfterChangeAsync(Guid userId, CancellationToken ct)
    {
        if (!Request.WantsFragment()) return this.RedirectAfterPost(Url.Page("/Events/Details", new { slug = Event.Slug })!);
        Counts = await rsvps.CountsAsync(Event.Id, ct);
        MyRsvp = await rsvps.MineAsync(Event.Id, userId, ct);
        return Partial("_Rsvp", this);
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken ct)
    {
        var found = await db.Set<Event>().AsNoTracking()
            .Where(e => e.Slug == slug && e.Entity!.SuspendedAt == null)
            .Select(e => new
            {
                Event = e, e.Entity!.Name, e.Entity.Slug,
                Tour = db.Set<Tour>().Where(t => t.Id == e.TourId).Select(t => new { t.Name, t.Slug }).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (found is null) return false;
        (Event, EntityName, EntitySlug, TourName, TourSlug) = (found.Event, found.Name, found.Slug, found.Tour?.Name, found.Tour?.Slug);

        IsMember = await access.RoleAsync(Event.EntityId, User, ct) is not null;
        if (Event.Phase == EventPhase.Draft && !IsMember) return false;
        var userId = EntityAccess.UserId(User);
        if (Event.Visibility == EventVisibility.Followers && !IsMember)
            FollowersOnly = userId is not { } uid ||
                !await db.Set<Follow.Follow>().AnyAsync(f => f.UserId == uid && f.EntityId == Event.EntityId, ct);
        if (FollowersOnly) return true;

        RegionBlocked = !viewerCountry.AllowsCurrentViewer(Event);
        if (Event.IsFree)
        {
            Counts = await rsvps.CountsAsync(Event.Id, ct);
            if (userId is { } me) MyRsvp = await rsvps.MineAsync(Event.Id, me, ct);
        }
        // Only the whole page shows the ticket section; an htmx fragment (the RSVP box) does not.
        if (!Request.WantsFragment() && await tickets.FormAsync(Event.Id, ct) is { Types.Count: > 0 } form)
        {
            form.SignedIn = SignedIn;
            Tickets = form;
        }
        return true;
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Events;

/// <summary>
/// The public event page and its RSVP handlers. Who sees what and who may RSVP or buy is decided by
/// <see cref="EventAccess"/>; this page only renders the decision (404 when the event is hidden from the viewer).
/// </summary>
[OutputCache(PolicyName = PageCache.EventPage)]
public sealed class DetailsModel(EventAccess eventAccess, Rsvps rsvps, TicketQueries tickets, ChatService chat,
    ChatQueries chatQueries) : PageModel
{
    public EventAccessDecision Access { get; private set; } = null!;
    public Event Event => Access.Event;
    public string EntityName => Event.Entity!.Name;
    public string EntitySlug => Event.Entity!.Slug;
    public string? TourName { get; private set; }
    public string? TourSlug { get; private set; }
    public bool IsMember => Access.IsTeam;
    /// <summary>A followers-only event seen by someone who does not follow the entity: only the hint is shown.</summary>
    public bool FollowersOnly => Access.Page == EventPageAccess.FollowHint && Event.Visibility != EventVisibility.Members;
    public bool MembersOnly => Access.Page == EventPageAccess.FollowHint && Event.Visibility == EventVisibility.Members;
    public RsvpCounts Counts { get; private set; } = new(0, 0);
    public RsvpStatus? MyRsvp { get; private set; }
    public string? RsvpMessage { get; private set; }
    public bool RegionBlocked => Access.RegionBlocked;
    /// <summary>The ticket section; null when the event sells no tickets.</summary>
    public TicketFormView? Tickets { get; private set; }
    /// <summary>The chat panel; only on the whole page for a viewer who sees the event in full.</summary>
    public ChatPanelView? Chat { get; private set; }
    public bool SignedIn => Access.SignedIn;
    /// <summary>
    /// The RSVP box is shown: this viewer may RSVP, or could once signed in, or is refused only by the geo rule (the
    /// box then says so). Any other refusal (no RSVPs, closed, suspended, followers only) hides it.
    /// </summary>
    public bool RsvpOpen => Access.RsvpRefusal is null or { Kind: EventRefusalKind.SignInRequired } or { Message: ViewerCountry.NotAvailableMessage };

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct) =>
        await LoadAsync(slug, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRsvpAsync(string slug, RsvpStatus status, CancellationToken ct)
    {
        if (!await LoadAsync(slug, ct)) return NotFound();
        if (EntityAccess.UserId(User) is not { } userId) return Challenge();
        if (Access.RsvpRefusal is { } refusal) return Refuse(refusal.Message);
        if (!Enum.IsDefined(status)) return Refuse("Choose Going or Interested.");
        await rsvps.SetAsync(Event.Id, userId, status, ct);
        return await AfterChangeAsync(userId, ct);
    }

    public async Task<IActionResult> OnPostUnrsvpAsync(string slug, CancellationToken ct)
    {
        if (!await LoadAsync(slug, ct)) return NotFound();
        if (EntityAccess.UserId(User) is not { } userId) return Challenge();
        if (!Access.CanSeePage) return Refuse(Access.HintMessage);
        // Withdrawing is always allowed to a viewer who sees the event, even where a new RSVP would be refused.
        await rsvps.RemoveAsync(Event.Id, userId, ct);
        return await AfterChangeAsync(userId, ct);
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
        if (await eventAccess.BySlugAsync(slug, User, ct) is not { Page: not EventPageAccess.Hidden } access) return false;
        Access = access;
        PageCache.Tag(HttpContext, PageCacheTags.Event(Event.Id), PageCacheTags.Entity(Event.EntityId));
        if (Event.TourId is { } shownTour) PageCache.Tag(HttpContext, PageCacheTags.Tour(shownTour));
        if (!Access.CanSeePage) return true;

        if (Access.Tour is { } tour) (TourName, TourSlug) = (tour.Name, tour.Slug);
        if (Event.IsFree)
        {
            Counts = await rsvps.CountsAsync(Event.Id, ct);
            if (EntityAccess.UserId(User) is { } me) MyRsvp = await rsvps.MineAsync(Event.Id, me, ct);
        }
        // Only the whole page shows the ticket section; an htmx fragment (the RSVP box) does not.
        if (!Request.WantsFragment() && await tickets.FormAsync(Access, ct) is { Types.Count: > 0 } form)
            Tickets = form;
        if (!Request.WantsFragment()) Chat = await chatQueries.PanelAsync(await chat.ContextAsync(Access, ct), ct);
        return true;
    }
}

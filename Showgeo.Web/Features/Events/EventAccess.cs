using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Memberships;

namespace Showgeo.Web.Features.Events;

/// <summary>How much of the event page a viewer gets.</summary>
public enum EventPageAccess
{
    /// <summary>Not found for this viewer: a draft outside the team, or a suspended entity's event outside its team and the admins.</summary>
    Hidden,
    /// <summary>
    /// A followers-only event seen by someone who does not follow the entity, or a members-only event seen by someone
    /// without the tier: the title and a hint (<see cref="EventAccessDecision.HintMessage"/>) only.
    /// </summary>
    FollowHint,
    Full,
}

/// <summary>Why an action was refused, and so how a handler answers.</summary>
public enum EventRefusalKind
{
    /// <summary>The viewer may not know the event exists: answer 404.</summary>
    NotFound,
    /// <summary>The viewer may not see the event's details (followers only): answer without them.</summary>
    NotVisible,
    /// <summary>The viewer sees the event but may not do this (phase, geo rule, suspension, no RSVPs).</summary>
    NotAllowed,
    /// <summary>Everything else passes; the viewer has to sign in first.</summary>
    SignInRequired,
}

public sealed record EventRefusal(EventRefusalKind Kind, string Message);

/// <summary>What one viewer may do with one event; made by <see cref="EventAccess"/>.</summary>
public sealed record EventAccessDecision(
    Event Event, Guid? UserId, bool IsTeam, bool EntitySuspended, EventPageAccess Page, bool RegionBlocked,
    EventRefusal? RsvpRefusal, EventRefusal? BuyRefusal)
{
    public bool SignedIn => UserId is not null;
    public bool CanSeePage => Page == EventPageAccess.Full;
    public bool CanRsvp => RsvpRefusal is null;
    public bool CanBuy => BuyRefusal is null;
    /// <summary>Why a <see cref="EventPageAccess.FollowHint"/> viewer sees only the title.</summary>
    public string HintMessage => EventAccess.HintFor(Event);
    /// <summary>The tour the event is part of, when loaded by <see cref="EventAccess"/>.</summary>
    public EventTourLink? Tour { get; init; }
}

public sealed record EventTourLink(string Name, string Slug);

/// <summary>
/// The one access rule for an event, used by the event page, RSVPs, the ticket section, checkout and the hold. Every
/// caller asks here instead of checking phase, visibility, suspension or the geo rule itself.
/// <list type="bullet">
/// <item>Page: drafts only for the entity's team; a suspended entity's events only for its team and platform admins;
/// followers-only events for followers and the team (others get a follow hint); members-only events for members of
/// the tier or above and the team (others get a members hint); unlisted events by link, like public.</item>
/// <item>RSVP: a free event the viewer sees in full, Pre or Live, entity not suspended, geo rule passes, signed in.</item>
/// <item>Buy: an event the viewer sees in full, Pre or Live, entity not suspended, geo rule passes, signed in.</item>
/// </list>
/// </summary>
public sealed class EventAccess(ShowgeoDb db, ViewerCountry viewerCountry, TimeProvider clock)
{
    public const string FollowersOnlyMessage = "This event is for followers only.";
    public const string MembersOnlyMessage = "This event is for members only.";
    public const string NotFoundMessage = "This event does not exist.";
    public const string RsvpClosedMessage = "RSVPs are closed for this event.";
    public const string TicketsOnlyMessage = "This event uses tickets, not RSVPs.";
    public const string NotOnSaleMessage = "Tickets for this event are not on sale.";
    public const string SuspendedMessage = "This event is unavailable while its organiser is suspended.";

    /// <summary>The event at <paramref name="slug"/> with its entity, and what <paramref name="viewer"/> may do; null when no such event exists.</summary>
    public Task<EventAccessDecision?> BySlugAsync(string slug, ClaimsPrincipal viewer, CancellationToken ct) =>
        DecideAsync(db.Set<Event>().Where(e => e.Slug == slug), viewer, ct);

    /// <summary>The event with <paramref name="eventId"/> with its entity, and what <paramref name="viewer"/> may do; null when no such event exists.</summary>
    public Task<EventAccessDecision?> ByIdAsync(Guid eventId, ClaimsPrincipal viewer, CancellationToken ct) =>
        DecideAsync(db.Set<Event>().Where(e => e.Id == eventId), viewer, ct);

    private async Task<EventAccessDecision?> DecideAsync(IQueryable<Event> query, ClaimsPrincipal viewer, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(viewer);
        // One round trip for the event, its entity, its tour's link and what the viewer is to the entity: the columns
        // the pages use (not the search document), the viewer's role as EntityAccess.RoleAsync reads it, and whether
        // they follow. Membership is asked only for a members-only event.
        var row = await query.AsNoTracking().Select(e => new
        {
            Event = new Event
            {
                Id = e.Id, EntityId = e.EntityId, TourId = e.TourId, ArtAssetId = e.ArtAssetId, Slug = e.Slug, Title = e.Title,
                Description = e.Description, StartsAt = e.StartsAt, EndsAt = e.EndsAt, TimeZone = e.TimeZone,
                VenueName = e.VenueName, City = e.City, Country = e.Country, Latitude = e.Latitude, Longitude = e.Longitude,
                IsOnline = e.IsOnline, IsPrerecorded = e.IsPrerecorded, IsFree = e.IsFree, AllowedCountries = e.AllowedCountries,
                Genres = e.Genres, Visibility = e.Visibility, MembersTierId = e.MembersTierId, Phase = e.Phase,
                StreamRequiresSignIn = e.StreamRequiresSignIn, CreatedAt = e.CreatedAt, Entity = e.Entity,
            },
            // Scalar subqueries on the tour's key: projecting the tour row with FirstOrDefault makes EF number every row
            // of tours (ROW_NUMBER() OVER (PARTITION BY id)) and join the result.
            TourName = db.Set<Tours.Tour>().Where(t => t.Id == e.TourId).Select(t => t.Name).FirstOrDefault(),
            TourSlug = db.Set<Tours.Tour>().Where(t => t.Id == e.TourId).Select(t => t.Slug).FirstOrDefault(),
            Role = userId == null ? null : db.Set<EntityMember>()
                .Where(m => m.EntityId == e.EntityId && m.UserId == userId).Select(m => (EntityRole?)m.Role).FirstOrDefault(),
            Follows = userId != null && e.Visibility == EventVisibility.Followers
                && db.Set<Follow.Follow>().Any(f => f.UserId == userId && f.EntityId == e.EntityId),
        }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var ev = row.Event;
        var isTeam = row.Role is not null;
        var isFollower = !isTeam && row.Follows;
        var isMember = !isTeam && userId is { } member && ev.Visibility == EventVisibility.Members && ev.MembersTierId is { } tierId
            && await MembershipAccess.HasTierOrAboveAsync(db, member, tierId, clock.GetUtcNow(), ct);
        return Decide(ev, new Viewer(userId, isTeam, viewer.IsInRole(Roles.Admin), isFollower,
            viewerCountry.AllowsCurrentViewer(ev), isMember))
            with { Tour = row.TourName is not null && row.TourSlug is not null ? new EventTourLink(row.TourName, row.TourSlug) : null };
    }

    /// <summary>What is known about the viewer in relation to one event.</summary>
    /// <param name="IsMember">Has access to the event's members tier or one ranked above it (<see cref="MembershipAccess"/>).</param>
    public readonly record struct Viewer(Guid? UserId, bool IsTeam, bool IsAdmin, bool IsFollower, bool CountryAllowed, bool IsMember = false);

    /// <summary>Why a viewer of a restricted event sees only its title.</summary>
    public static string HintFor(Event ev) => ev.Visibility == EventVisibility.Members ? MembersOnlyMessage : FollowersOnlyMessage;

    /// <summary>The rule itself, over facts already loaded. <paramref name="ev"/> must carry its Entity.</summary>
    public static EventAccessDecision Decide(Event ev, Viewer viewer)
    {
        var suspended = ev.Entity!.SuspendedAt is not null;
        var page =
            ev.Phase == EventPhase.Draft && !viewer.IsTeam ? EventPageAccess.Hidden
            : suspended && !viewer.IsTeam && !viewer.IsAdmin ? EventPageAccess.Hidden
            : ev.Visibility == EventVisibility.Followers && !viewer.IsTeam && !viewer.IsFollower ? EventPageAccess.FollowHint
            : ev.Visibility == EventVisibility.Members && !viewer.IsTeam && !viewer.IsMember ? EventPageAccess.FollowHint
            : EventPageAccess.Full;

        // The refusals every action shares, in the order a viewer would want to hear them.
        EventRefusal? shared = page switch
        {
            EventPageAccess.Hidden => new(EventRefusalKind.NotFound, NotFoundMessage),
            EventPageAccess.FollowHint => new(EventRefusalKind.NotVisible, HintFor(ev)),
            _ when suspended => new(EventRefusalKind.NotAllowed, SuspendedMessage),
            _ => null,
        };
        var onSaleOrLive = ev.Phase is EventPhase.Pre or EventPhase.Live;

        var rsvp = shared
            ?? RefuseIf(!ev.IsFree, EventRefusalKind.NotAllowed, TicketsOnlyMessage)
            ?? RefuseIf(!onSaleOrLive, EventRefusalKind.NotAllowed, RsvpClosedMessage)
            ?? RefuseIf(!viewer.CountryAllowed, EventRefusalKind.NotAllowed, ViewerCountry.NotAvailableMessage)
            ?? RefuseIf(viewer.UserId is null, EventRefusalKind.SignInRequired, "Sign in to RSVP.");
        var buy = shared
            ?? RefuseIf(!onSaleOrLive, EventRefusalKind.NotAllowed, NotOnSaleMessage)
            ?? RefuseIf(!viewer.CountryAllowed, EventRefusalKind.NotAllowed, ViewerCountry.NotAvailableMessage)
            ?? RefuseIf(viewer.UserId is null, EventRefusalKind.SignInRequired, "Sign in to buy tickets.");

        return new EventAccessDecision(ev, viewer.UserId, viewer.IsTeam, suspended, page, !viewer.CountryAllowed, rsvp, buy);
    }

    private static EventRefusal? RefuseIf(bool refused, EventRefusalKind kind, string message) =>
        refused ? new(kind, message) : null;
}

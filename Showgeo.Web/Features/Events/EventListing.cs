namespace Showgeo.Web.Features.Events;

/// <summary>
/// Which events appear in public lists: the home page, discovery, an entity's page and a tour's page all start here.
/// </summary>
public static class EventListing
{
    /// <summary>
    /// Published (not a draft, not cancelled), Public visibility, run by an entity that is not suspended. Unlisted
    /// events open only by link; followers-only events are gated on their own page; neither is ever listed.
    /// </summary>
    public static IQueryable<Event> Listed(this IQueryable<Event> events) =>
        events.Where(e => e.Visibility == EventVisibility.Public
                          && e.Phase != EventPhase.Draft && e.Phase != EventPhase.Cancelled
                          && e.Entity!.SuspendedAt == null);

    /// <summary>Still to come or happening now: on sale or live, and not yet over.</summary>
    public static IQueryable<Event> Upcoming(this IQueryable<Event> events, DateTimeOffset now) =>
        events.Where(e => (e.Phase == EventPhase.Pre || e.Phase == EventPhase.Live) && e.EndsAt >= now);

    /// <summary>Over, by the clock or by its phase.</summary>
    public static IQueryable<Event> Past(this IQueryable<Event> events, DateTimeOffset now) =>
        events.Where(e => e.EndsAt < now || e.Phase == EventPhase.Post);
}

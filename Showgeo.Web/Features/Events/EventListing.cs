namespace Showgeo.Web.Features.Events;

public static class EventListing
{
    /// <summary>
    /// Events that may appear in public lists (home, discovery, entity pages, tours): published, Public visibility,
    /// entity not suspended. Unlisted events open only by link; followers-only events are gated on their page.
    /// </summary>
    public static IQueryable<Event> Listed(this IQueryable<Event> events) =>
        events.Where(e => e.Phase != EventPhase.Draft && e.Visibility == EventVisibility.Public && e.Entity!.SuspendedAt == null);
}

using Showgeo.Web.Features.Follow;

namespace Showgeo.Web.Features.Events;

/// <summary>What an event card shows, projected in one query wherever events are listed.</summary>
public sealed record EventCard(
    Guid Id, string Slug, string Title, DateTimeOffset StartsAt, string TimeZone, string? VenueName, string? City,
    string? Country, bool IsOnline, string[] Genres, EventPhase Phase, Guid EntityId, string EntityName, string EntitySlug,
    int EntityFollowerCount)
{
    public static IQueryable<EventCard> Project(IQueryable<Event> events) =>
        events.Select(e => new EventCard(e.Id, e.Slug, e.Title, e.StartsAt, e.TimeZone, e.VenueName, e.City, e.Country,
            e.IsOnline, e.Genres, e.Phase, e.EntityId, e.Entity!.Name, e.Entity.Slug, e.Entity.FollowerCount));

    /// <summary>The follow button for the card's entity; null where the page already shows that entity's own button.</summary>
    public FollowButton? Follow { get; init; }

    /// <summary>Start time in the venue's own zone, which is what a ticket-holder plans around.</summary>
    public string LocalStart => EventTime.Format(StartsAt, TimeZone);

    /// <summary>
    /// Gives each card its follow button with one query for the whole list, whatever its length.
    /// <paramref name="shownElsewhere"/> is an entity whose button the page already shows (its own profile page).
    /// </summary>
    public static async Task<IReadOnlyList<EventCard>> WithFollowButtonsAsync(IReadOnlyList<EventCard> cards, ViewerFollows follows,
        string returnUrl, CancellationToken ct, Guid? shownElsewhere = null)
    {
        await follows.LoadAsync(cards.Select(c => c.EntityId), ct);
        var withButtons = new List<EventCard>(cards.Count);
        foreach (var card in cards)
            withButtons.Add(card.EntityId == shownElsewhere ? card : card with
            {
                Follow = await follows.ButtonAsync(card.EntityId, card.EntityName, card.EntityFollowerCount, returnUrl, ct),
            });
        return withButtons;
    }
}

public static class EventTime
{
    public static string Format(DateTimeOffset utc, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var tz) ? tz : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        return $"{local:ddd d MMM yyyy, HH:mm} ({(zone == TimeZoneInfo.Utc ? "UTC" : zone.Id)})";
    }
}

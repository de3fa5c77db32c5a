using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// A premiere as the watch page plays it: the video's URL and how far into it the event is now. Before the start the
/// offset is negative (the page shows the countdown instead).
/// </summary>
public sealed record PremiereView(Guid AssetId, string Url, string ContentType, double OffsetSeconds)
{
    public bool Started => OffsetSeconds >= 0;
}

/// <summary>An uploaded video of the entity that a premiere may play.</summary>
public sealed record PremiereVideoOption(Guid Id, string FileName, long SizeBytes, DateTimeOffset CreatedAt);

/// <summary>The premiere video of prerecorded events: which one, and where in it a viewer joining now starts.</summary>
public sealed class Premieres(ShowgeoDb db, TimeProvider clock)
{
    public const string NotAVideoMessage = "Choose one of this entity's uploaded videos.";
    public const string NotPrerecordedMessage = "Mark the event as prerecorded first (Edit event), then choose its premiere video.";

    /// <summary>The offset a late joiner starts at: the time since the scheduled start, never before zero once started.</summary>
    public static double OffsetSeconds(DateTimeOffset startsAt, DateTimeOffset now) => Math.Round((now - startsAt).TotalSeconds, 1);

    public async Task<PremiereView?> ForAsync(Event ev, CancellationToken ct)
    {
        if (!ev.IsPrerecorded) return null;
        var video = await db.Set<EventPremiere>().AsNoTracking().Where(p => p.EventId == ev.Id)
            .Join(db.Set<Asset>(), p => p.AssetId, a => a.Id, (p, a) => new { a.Id, a.ContentType })
            .SingleOrDefaultAsync(ct);
        return video is null ? null
            : new PremiereView(video.Id, AssetService.UrlFor(video.Id), video.ContentType, OffsetSeconds(ev.StartsAt, clock.GetUtcNow()));
    }

    public async Task<Guid?> ChosenAsync(Guid eventId, CancellationToken ct) =>
        await db.Set<EventPremiere>().AsNoTracking().Where(p => p.EventId == eventId).Select(p => (Guid?)p.AssetId).SingleOrDefaultAsync(ct);

    public async Task<IReadOnlyList<PremiereVideoOption>> VideosAsync(Guid entityId, CancellationToken ct) =>
        await db.Set<Asset>().AsNoTracking()
            .Where(a => a.EntityId == entityId && a.Kind == AssetKind.Video && !a.IsPrivate)
            .OrderByDescending(a => a.CreatedAt).Take(200)
            .Select(a => new PremiereVideoOption(a.Id, a.FileName, a.SizeBytes, a.CreatedAt))
            .ToListAsync(ct);

    /// <summary>Sets (or with null clears) the premiere video; null when done, else the refusal.</summary>
    public async Task<string?> ChooseAsync(Guid eventId, Guid entityId, Guid? assetId, CancellationToken ct)
    {
        var prerecorded = await db.Set<Event>().Where(e => e.Id == eventId && e.EntityId == entityId).Select(e => (bool?)e.IsPrerecorded).SingleOrDefaultAsync(ct);
        if (prerecorded is null) return EventAccess.NotFoundMessage;
        if (assetId is null)
        {
            await db.Set<EventPremiere>().Where(p => p.EventId == eventId).ExecuteDeleteAsync(ct);
            return null;
        }
        if (prerecorded != true) return NotPrerecordedMessage;
        var isVideo = await db.Set<Asset>().AnyAsync(a => a.Id == assetId && a.EntityId == entityId && a.Kind == AssetKind.Video && !a.IsPrivate, ct);
        if (!isVideo) return NotAVideoMessage;
        var now = clock.GetUtcNow();
        // One row per event: the upsert keeps a double submit (or two managers) from failing on the key.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO event_premieres (event_id, asset_id, chosen_at) VALUES ({eventId}, {assetId}, {now})
            ON CONFLICT (event_id) DO UPDATE SET asset_id = EXCLUDED.asset_id, chosen_at = EXCLUDED.chosen_at
            """, ct);
        return null;
    }
}

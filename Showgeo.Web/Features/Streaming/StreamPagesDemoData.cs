using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// The demo's streams: Kofi Strings' online session is live now (its watch page shows the stream, or the plain
/// "not configured" sentence without LiveKit settings), and Luna Waves premieres a short recorded set that starts at
/// startup (the committed 30-second WebM fixture), so the watch page plays it at once.
/// </summary>
public static class StreamPagesDemoData
{
    public const string LiveSlug = "kofi-strings-online-session";
    public const string PremiereSlug = "luna-waves-studio-premiere";

    public static async Task SeedAsync(ShowgeoDb db, AssetService assets, Entity luna, Entity kofi, AppUser manager, DateTimeOffset now, CancellationToken ct)
    {
        var live = Online(kofi, LiveSlug, "Kofi Strings: Online Session", now.AddMinutes(-15), "Africa/Accra", ["highlife", "jazz"], EventPhase.Live);
        var premiere = Online(luna, PremiereSlug, "Luna Waves: Studio Premiere", now, "Europe/Lisbon", ["dream-pop"], EventPhase.Live);
        premiere.IsPrerecorded = true;
        premiere.EndsAt = premiere.StartsAt.AddMinutes(30);
        db.AddRange(live, premiere);
        await db.SaveChangesAsync(ct);

        await using var video = typeof(StreamPagesDemoData).Assembly.GetManifestResourceStream("demo/premiere.webm")
            ?? throw new InvalidOperationException("The demo premiere video is not embedded in this build.");
        var upload = await assets.UploadAsync(new AssetUpload(video, video.Length, "studio-premiere.webm", "video/webm", manager.Id, luna.Id),
            [AssetKind.Video], ct: ct);
        if (!upload.Succeeded) throw new InvalidOperationException($"Demo premiere video: {upload.Error}");
        db.Add(new EventPremiere { EventId = premiere.Id, AssetId = upload.Asset!.Id, ChosenAt = now });
        await db.SaveChangesAsync(ct);

        Event Online(Entity entity, string slug, string title, DateTimeOffset startsAt, string tz, string[] genres, EventPhase phase) => new()
        {
            Id = Guid.NewGuid(), EntityId = entity.Id, Slug = slug, Title = title, Description = $"{title}, streamed on Showgeo.",
            StartsAt = startsAt, EndsAt = startsAt.AddHours(1), TimeZone = tz, IsOnline = true, IsFree = true, Genres = genres,
            Visibility = EventVisibility.Public, Phase = phase, CreatedAt = now,
        };
    }
}

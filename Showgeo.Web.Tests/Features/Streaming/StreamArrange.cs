using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Streaming;

public static class StreamArrange
{
    /// <summary>The 30-second WebM the demo premieres, as the app embeds it.</summary>
    public static byte[] PremiereVideo()
    {
        using var s = typeof(StreamPagesDemoData).Assembly.GetManifestResourceStream("demo/premiere.webm")!;
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A prerecorded event of <paramref name="entityId"/> with the fixture as its premiere video.</summary>
    public static async Task<Event> PremiereAsync(ShowgeoApp app, Guid entityId, Guid ownerUserId, DateTimeOffset startsAt, EventPhase phase)
    {
        var ev = await app.EventAsync(entityId, phase: phase, startsAt: startsAt, isFree: true);
        var bytes = PremiereVideo();
        await app.WithScopeAsync(async sp =>
        {
            using var content = new MemoryStream(bytes);
            var upload = await sp.GetRequiredService<AssetService>().UploadAsync(
                new AssetUpload(content, bytes.Length, "premiere.webm", "video/webm", ownerUserId, entityId), [AssetKind.Video]);
            Assert.True(upload.Succeeded, upload.Error);
            await using var db = app.CreateDb();
            await db.Set<Event>().Where(e => e.Id == ev.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.IsPrerecorded, true));
            db.Add(new EventPremiere { EventId = ev.Id, AssetId = upload.Asset!.Id, ChosenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            return true;
        });
        return ev;
    }
}

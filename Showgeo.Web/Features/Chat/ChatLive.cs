using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Chat;

/// <summary>How chat room changes reach the live stream (filled in when the stream lands).</summary>
internal static class ChatLive
{
    public static Task AnnounceAsync(ShowgeoDb db, Guid eventId, long seq, CancellationToken ct) => Task.CompletedTask;
}

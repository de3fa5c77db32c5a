using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Features.Notifications;

/// <summary>
/// The layout's part of notifications for a signed-in page: the unread count for the header badge, and the page's
/// position in the notification feed (<see cref="LiveStream.Track"/>), taken before the count so nothing stored after
/// the count is missed by the stream this page opens.
/// </summary>
public sealed class NotificationHeader(ShowgeoDb db, NotificationInbox inbox)
{
    public async Task<UnreadBadge?> LoadAsync(HttpContext http)
    {
        if (EntityAccess.UserId(http.User) is not { } userId) return null;
        var ct = http.RequestAborted;
        try
        {
            var position = await db.Set<Notification>().MaxAsync(n => (long?)n.Seq, ct) ?? 0;
            var count = await inbox.UnreadCountAsync(userId, ct);
            LiveStream.Track(http, NotificationFeed.FeedName, position);
            return new UnreadBadge(count);
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
        {
            // The page saying "briefly unavailable" still renders: no count, and no stream to open.
            return new UnreadBadge(0);
        }
    }
}

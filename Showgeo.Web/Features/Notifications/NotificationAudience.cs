using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Notifications;

/// <summary>
/// Who a notification is for, in SQL: the one copy of the rules "a follower sees an entity's broadcast (since they
/// followed) unless their entity level or a muted kind says no" and "holders of tickets or RSVPs see their event's
/// live and phase notices". The inbox, the unread count, the stream replay, reach and emails all use it.
/// </summary>
public static class NotificationAudience
{
    /// <summary>
    /// The ids of the notifications <c>@u</c> may see, with <paramref name="condition"/> (over <c>n</c>) applied in every
    /// branch so each branch can use its (…, seq) index. Parameters: <c>@u</c> uuid, <c>@muted</c> text[].
    /// </summary>
    public static string VisibleIds(string condition) => $"""
        SELECT n.id FROM notifications n
         WHERE n.user_id = @u AND NOT (n.kind = ANY (@muted)) AND {condition}
        UNION
        SELECT n.id FROM follows f
          JOIN notifications n ON n.entity_id = f.entity_id AND n.to_followers AND n.created_at >= f.created_at
          LEFT JOIN entity_notification_settings p ON p.user_id = f.user_id AND p.entity_id = f.entity_id
         WHERE f.user_id = @u AND NOT (n.kind = ANY (@muted)) AND {condition}
           AND (p.level IS NULL OR p.level = 'All' OR (p.level = 'LiveOnly' AND n.kind = '{NotificationKind.LiveNow}'))
        UNION
        SELECT n.id FROM notifications n
         WHERE n.event_id IN (SELECT t.event_id FROM tickets t WHERE t.user_id = @u UNION SELECT r.event_id FROM rsvps r WHERE r.user_id = @u)
           AND n.entity_id IS NOT NULL AND n.kind IN ('{NotificationKind.LiveNow}', '{NotificationKind.PhaseUpdate}')
           AND NOT (n.kind = ANY (@muted)) AND {condition}
        """;

    /// <summary>Followers of <c>@entity</c> whose settings let a <c>@kind</c> broadcast through (alias <c>f</c>).</summary>
    public const string AllowingFollowers = """
        SELECT f.user_id FROM follows f
         WHERE f.entity_id = @entity
           AND NOT EXISTS (SELECT 1 FROM entity_notification_settings p WHERE p.user_id = f.user_id AND p.entity_id = f.entity_id
                           AND (p.level = 'None' OR (p.level = 'LiveOnly' AND @kind <> 'LIVE_NOW')))
           AND NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.user_id = f.user_id AND @kind = ANY (s.muted_kinds))
        """;

    /// <summary>How many followers a broadcast of <paramref name="kind"/> from the entity reaches now.</summary>
    public static async Task<int> ReachAsync(ShowgeoDb db, Guid entityId, string kind, CancellationToken ct) =>
        (await db.Database.SqlQueryRaw<int>($"SELECT count(*)::int AS \"Value\" FROM ({AllowingFollowers}) a",
            new NpgsqlParameter("entity", entityId), new NpgsqlParameter("kind", kind)).ToListAsync(ct)).Single();
}

using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure.Live;
using FollowRow = Showgeo.Web.Features.Follow.Follow;

namespace Showgeo.Web.Features.Chat;

/// <summary>
/// One viewer in one event's chat room: what the event access rule decided, the room's modes, and what follows for chat.
/// Read access is the event page's (<see cref="EventAccessDecision.CanSeePage"/>); posting adds the chat's own rules.
/// </summary>
public sealed record ChatContext(EventAccessDecision Access, ChatRoom Room, string? UserName, bool IsModerator,
    DateTimeOffset? MutedUntil, EventRefusal? PostRefusal)
{
    public Event Event => Access.Event;
    public Guid EventId => Access.Event.Id;
    public Guid EntityId => Access.Event.EntityId;
    public Guid? UserId => Access.UserId;
    public bool CanRead => Access.CanSeePage;
    public bool CanPost => PostRefusal is null;
    public bool IsOpen => ChatRules.IsOpen(Event.Phase);
}

/// <summary>The result of a chat action: done, or refused with a message for the viewer (nothing was written).</summary>
public sealed record ChatOutcome(string? Error)
{
    public static readonly ChatOutcome Done = new((string?)null);
    public bool Succeeded => Error is null;
    public static ChatOutcome Refused(string message) => new(message);
}

/// <summary>
/// Everything that changes a chat room. Each change that viewers see live takes the room's next sequence number under a
/// row lock on chat_rooms, writes one chat_log row and announces it on the live stream in the same transaction, so the
/// stream's cursor order is commit order. Moderation steps are recorded for the entity's team.
/// </summary>
public sealed class ChatService(ShowgeoDb db, EventAccess eventAccess, TimeProvider clock)
{
    public async Task<ChatContext?> BySlugAsync(string slug, ClaimsPrincipal user, CancellationToken ct) =>
        await eventAccess.BySlugAsync(slug, user, ct) is { } access ? await ContextAsync(access, ct) : null;

    public async Task<ChatContext?> ByIdAsync(Guid eventId, ClaimsPrincipal user, CancellationToken ct) =>
        await eventAccess.ByIdAsync(eventId, user, ct) is { } access ? await ContextAsync(access, ct) : null;

    /// <summary>The chat side of an event access decision: the room's modes and this viewer's standing in it.</summary>
    public async Task<ChatContext> ContextAsync(EventAccessDecision access, CancellationToken ct)
    {
        var ev = access.Event;
        var room = await db.Set<ChatRoom>().AsNoTracking().SingleOrDefaultAsync(r => r.EventId == ev.Id, ct)
                   ?? new ChatRoom { EventId = ev.Id };
        var now = clock.GetUtcNow();
        string? name = null;
        DateTimeOffset? mutedUntil = null;
        var banned = false;
        var mayPostByMode = true;
        if (access.UserId is { } userId && access.CanSeePage)
        {
            var me = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new
            {
                u.DisplayName,
                Banned = db.Set<ChatBan>().Any(b => b.EntityId == ev.EntityId && b.UserId == userId),
                MutedUntil = db.Set<ChatMute>().Where(m => m.EventId == ev.Id && m.UserId == userId && m.Until > now)
                    .Select(m => (DateTimeOffset?)m.Until).FirstOrDefault(),
                Follows = db.Set<FollowRow>().Any(f => f.UserId == userId && f.EntityId == ev.EntityId),
                Attends = db.Set<Ticket>().Any(t => t.EventId == ev.Id && t.UserId == userId && t.Status != TicketStatus.Refunded)
                          || db.Set<Rsvp>().Any(r => r.EventId == ev.Id && r.UserId == userId),
            }).SingleOrDefaultAsync(ct);
            if (me is not null)
            {
                name = ChatText.Clean(me.DisplayName);
                banned = me.Banned;
                mutedUntil = me.MutedUntil;
                mayPostByMode = access.IsTeam || ((!room.FollowersOnly || me.Follows) && (!room.AttendeesOnly || me.Attends));
            }
        }

        // The event rule first (it says why in the words the rest of the event page uses), then the chat's own.
        EventRefusal? refusal = access.Page switch
        {
            EventPageAccess.Hidden => new(EventRefusalKind.NotFound, EventAccess.NotFoundMessage),
            EventPageAccess.FollowHint => new(EventRefusalKind.NotVisible, access.HintMessage),
            _ => null,
        };
        refusal ??= Refuse(!ChatRules.IsOpen(ev.Phase), ChatRules.ClosedMessage)
            ?? Refuse(access.EntitySuspended, EventAccess.SuspendedMessage)
            ?? Refuse(access.RegionBlocked, ViewerCountry.NotAvailableMessage)
            ?? (access.UserId is null ? new EventRefusal(EventRefusalKind.SignInRequired, ChatRules.SignInMessage) : null)
            ?? Refuse(banned && !access.IsTeam, ChatRules.BannedMessage)
            ?? Refuse(mutedUntil is not null && !access.IsTeam, $"You are muted in this chat until {mutedUntil:HH:mm} UTC.")
            ?? Refuse(!mayPostByMode, room.FollowersOnly ? ChatRules.FollowersOnlyMessage : ChatRules.AttendeesOnlyMessage);
        return new ChatContext(access, room, name, access.IsTeam, mutedUntil, refusal);

        static EventRefusal? Refuse(bool refused, string message) => refused ? new(EventRefusalKind.NotAllowed, message) : null;
    }

    public async Task<ChatOutcome> PostAsync(ChatContext chat, string? text, CancellationToken ct)
    {
        if (chat.PostRefusal is { } refusal) return ChatOutcome.Refused(refusal.Message);
        var body = ChatText.Clean(text);
        if (body.Length == 0) return ChatOutcome.Refused(ChatRules.EmptyMessage);
        if (body.Length > ChatRules.MaxMessageLength) return ChatOutcome.Refused(ChatRules.TooLongMessage);
        var userId = chat.UserId!.Value;
        var now = clock.GetUtcNow();

        if (!chat.IsModerator && await RateLimitedUntilAsync(userId, now, ct) is { } until)
            return ChatOutcome.Refused($"You're sending messages too fast. Try again in {Seconds(until - now)} s.");

        var authorName = Truncate(chat.UserName is { Length: > 0 } n ? n : "Fan", 100);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await StoreMessageAsync(chat.EventId, userId, authorName, body, chat.IsModerator, now, ct)) return ChatOutcome.Done;
            // Nothing was stored: the room has no row yet (its first message), or slow mode holds this person back.
            var slowModeSeconds = await db.Set<ChatRoom>().Where(r => r.EventId == chat.EventId)
                .Select(r => (int?)r.SlowModeSeconds).SingleOrDefaultAsync(ct);
            if (slowModeSeconds is null) await EnsureRoomAsync(chat.EventId, ct);
            if (slowModeSeconds is null or 0) continue; // created, or slow mode was switched off meanwhile
            var last = await db.Set<ChatMessage>().Where(m => m.UserId == userId && m.EventId == chat.EventId)
                .MaxAsync(m => (DateTimeOffset?)m.CreatedAt, ct);
            var wait = last is { } at ? at.AddSeconds(slowModeSeconds.Value) - now : TimeSpan.FromSeconds(1);
            return ChatOutcome.Refused($"Slow mode is on: one message every {slowModeSeconds} s. Try again in {Seconds(wait)} s.");
        }
        return ChatOutcome.Refused(ChatRules.TryAgainMessage);
    }

    public async Task<ChatOutcome> DeleteAsync(ChatContext chat, Guid messageId, CancellationToken ct)
    {
        if (!chat.IsModerator) return ChatOutcome.Refused(ChatRules.NotModeratorMessage);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var message = await db.Set<ChatMessage>().SingleOrDefaultAsync(m => m.Id == messageId && m.EventId == chat.EventId, ct);
        if (message is null) return ChatOutcome.Refused(ChatRules.UnknownMessage);
        if (message.DeletedAt is not null) return ChatOutcome.Done;
        var (seq, _) = await NextSeqAsync(chat.EventId, ct);
        message.DeletedAt = clock.GetUtcNow();
        message.DeletedByUserId = chat.UserId;
        db.Add(new ChatLogEntry { EventId = chat.EventId, Seq = seq, Kind = ChatLogKind.Removal, MessageId = message.Id });
        Log(chat, "delete-message", message.UserId, message.AuthorName, Truncate(message.Body, 500));
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(chat.EventId, seq, ct);
        await tx.CommitAsync(ct);
        return ChatOutcome.Done;
    }

    public async Task<ChatOutcome> MuteAsync(ChatContext chat, Guid targetUserId, int minutes, CancellationToken ct)
    {
        if (!chat.IsModerator) return ChatOutcome.Refused(ChatRules.NotModeratorMessage);
        if (minutes is < 1 or > ChatRules.MaxMuteMinutes)
            return ChatOutcome.Refused($"Mute for 1 to {ChatRules.MaxMuteMinutes} minutes.");
        if (await TargetAsync(chat, targetUserId, ct) is not { } target) return ChatOutcome.Refused("That person is not in this chat.");
        if (target.IsTeam) return ChatOutcome.Refused("Members of the organiser's team can't be muted.");
        var until = clock.GetUtcNow().AddMinutes(minutes);
        await EnsureRoomAsync(chat.EventId, ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO chat_mutes (event_id, user_id, until) VALUES ({chat.EventId}, {targetUserId}, {until})
            ON CONFLICT (event_id, user_id) DO UPDATE SET until = excluded.until
            """, ct);
        Log(chat, "mute", targetUserId, target.Name, $"{minutes} min, until {until:yyyy-MM-dd HH:mm} UTC");
        await db.SaveChangesAsync(ct);
        return ChatOutcome.Done;
    }

    public async Task<ChatOutcome> BanAsync(ChatContext chat, Guid targetUserId, CancellationToken ct)
    {
        if (!chat.IsModerator) return ChatOutcome.Refused(ChatRules.NotModeratorMessage);
        if (await TargetAsync(chat, targetUserId, ct) is not { } target) return ChatOutcome.Refused("That person is not in this chat.");
        if (target.IsTeam) return ChatOutcome.Refused("Members of the organiser's team can't be banned.");
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO chat_bans (entity_id, user_id, created_at) VALUES ({chat.EntityId}, {targetUserId}, {now})
            ON CONFLICT (entity_id, user_id) DO NOTHING
            """, ct);
        Log(chat, "ban", targetUserId, target.Name, $"from {chat.Access.Event.Entity!.Name}'s chats");
        await db.SaveChangesAsync(ct);
        return ChatOutcome.Done;
    }

    public async Task<ChatOutcome> SettingsAsync(ChatContext chat, int slowModeSeconds, bool followersOnly, bool attendeesOnly, CancellationToken ct)
    {
        if (!chat.IsModerator) return ChatOutcome.Refused(ChatRules.NotModeratorMessage);
        if (slowModeSeconds is < 0 or > ChatRules.MaxSlowModeSeconds)
            return ChatOutcome.Refused($"Slow mode is 0 (off) to {ChatRules.MaxSlowModeSeconds} seconds.");
        await EnsureRoomAsync(chat.EventId, ct);
        var room = await db.Set<ChatRoom>().SingleAsync(r => r.EventId == chat.EventId, ct);
        if (room.SlowModeSeconds != slowModeSeconds)
            Log(chat, "slow-mode", null, chat.Event.Title, slowModeSeconds == 0 ? "off" : $"{slowModeSeconds} s between messages");
        if (room.FollowersOnly != followersOnly)
            Log(chat, "followers-only", null, chat.Event.Title, followersOnly ? "on" : "off");
        if (room.AttendeesOnly != attendeesOnly)
            Log(chat, "attendees-only", null, chat.Event.Title, attendeesOnly ? "on" : "off");
        room.SlowModeSeconds = slowModeSeconds;
        room.FollowersOnly = followersOnly;
        room.AttendeesOnly = attendeesOnly;
        await db.SaveChangesAsync(ct);
        return ChatOutcome.Done;
    }

    /// <summary>Adds the viewer's reaction, or takes it back when given again.</summary>
    public async Task<ChatOutcome> ReactAsync(ChatContext chat, string? key, CancellationToken ct)
    {
        if (chat.PostRefusal is { } refusal) return ChatOutcome.Refused(refusal.Message);
        if (!ChatRules.IsReaction(key)) return ChatOutcome.Refused("Choose one of the reactions shown.");
        var userId = chat.UserId!.Value;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (seq, _) = await NextSeqAsync(chat.EventId, ct);
        var removed = await db.Set<ChatReaction>().Where(r => r.EventId == chat.EventId && r.UserId == userId && r.Emoji == key)
            .ExecuteDeleteAsync(ct);
        if (removed == 0) db.Add(new ChatReaction { EventId = chat.EventId, UserId = userId, Emoji = key!, CreatedAt = clock.GetUtcNow() });
        db.Add(new ChatLogEntry { EventId = chat.EventId, Seq = seq, Kind = ChatLogKind.Reactions });
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(chat.EventId, seq, ct);
        await tx.CommitAsync(ct);
        return ChatOutcome.Done;
    }

    public async Task<ChatOutcome> OpenPollAsync(ChatContext chat, string? question, IEnumerable<string?>? options, CancellationToken ct)
    {
        if (!chat.IsModerator) return ChatOutcome.Refused(ChatRules.NotModeratorMessage);
        if (!chat.IsOpen) return ChatOutcome.Refused(ChatRules.ClosedMessage);
        var q = ChatText.Clean(question);
        var choices = (options ?? []).Select(ChatText.Clean).Where(o => o.Length > 0).ToArray();
        if (q.Length == 0) return ChatOutcome.Refused("Ask a question.");
        if (q.Length > ChatRules.MaxPollQuestionLength) return ChatOutcome.Refused($"Questions are at most {ChatRules.MaxPollQuestionLength} characters.");
        if (choices.Length is < ChatRules.MinPollOptions or > ChatRules.MaxPollOptions)
            return ChatOutcome.Refused($"Give {ChatRules.MinPollOptions} to {ChatRules.MaxPollOptions} options.");
        if (choices.Any(o => o.Length > ChatRules.MaxPollOptionLength))
            return ChatOutcome.Refused($"Options are at most {ChatRules.MaxPollOptionLength} characters.");
        if (choices.Distinct(StringComparer.OrdinalIgnoreCase).Count() != choices.Length) return ChatOutcome.Refused("Each option must be different.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (seq, _) = await NextSeqAsync(chat.EventId, ct);
        if (await db.Set<ChatPoll>().AnyAsync(p => p.EventId == chat.EventId && p.ClosedAt == null, ct))
            return ChatOutcome.Refused("Close the open poll before starting another.");
        var poll = new ChatPoll
        {
            Id = Guid.CreateVersion7(), EventId = chat.EventId, Question = q, Options = choices,
            CreatedByUserId = chat.UserId!.Value, CreatedAt = clock.GetUtcNow(),
        };
        db.Add(poll);
        db.Add(new ChatLogEntry { EventId = chat.EventId, Seq = seq, Kind = ChatLogKind.Poll, PollId = poll.Id });
        Log(chat, "open-poll", null, Truncate(q, 256), string.Join(" / ", choices));
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(chat.EventId, seq, ct);
        await tx.CommitAsync(ct);
        return ChatOutcome.Done;
    }

    public async Task<ChatOutcome> VoteAsync(ChatContext chat, Guid pollId, int option, CancellationToken ct)
    {
        if (chat.PostRefusal is { } refusal) return ChatOutcome.Refused(refusal.Message);
        var poll = await db.Set<ChatPoll>().AsNoTracking().Where(p => p.Id == pollId && p.EventId == chat.EventId)
            .Select(p => new { p.ClosedAt, Count = p.Options.Length }).SingleOrDefaultAsync(ct);
        if (poll is null) return ChatOutcome.Refused(ChatRules.UnknownPollMessage);
        if (poll.ClosedAt is not null) return ChatOutcome.Refused(ChatRules.PollClosedMessage);
        if (option < 0 || option >= poll.Count) return ChatOutcome.Refused(ChatRules.UnknownOptionMessage);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (seq, _) = await NextSeqAsync(chat.EventId, ct);
        // Closing takes the same room lock, so "still open" here holds until commit; the primary key is the one vote.
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO chat_poll_votes (poll_id, user_id, option_index, created_at)
            SELECT {pollId}, {chat.UserId!.Value}, {option}, {clock.GetUtcNow()}
            WHERE EXISTS (SELECT 1 FROM chat_polls WHERE id = {pollId} AND closed_at IS NULL)
            ON CONFLICT (poll_id, user_id) DO NOTHING
            """, ct);
        if (inserted == 0)
        {
            var closed = await db.Set<ChatPoll>().AnyAsync(p => p.Id == pollId && p.ClosedAt != null, ct);
            return ChatOutcome.Refused(closed ? ChatRules.PollClosedMessage : ChatRules.AlreadyVotedMessage);
        }
        db.Add(new ChatLogEntry { EventId = chat.EventId, Seq = seq, Kind = ChatLogKind.Poll, PollId = pollId });
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(chat.EventId, seq, ct);
        await tx.CommitAsync(ct);
        return ChatOutcome.Done;
    }

    public async Task<ChatOutcome> ClosePollAsync(ChatContext chat, Guid pollId, CancellationToken ct)
    {
        if (!chat.IsModerator) return ChatOutcome.Refused(ChatRules.NotModeratorMessage);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (seq, _) = await NextSeqAsync(chat.EventId, ct);
        var poll = await db.Set<ChatPoll>().SingleOrDefaultAsync(p => p.Id == pollId && p.EventId == chat.EventId, ct);
        if (poll is null) return ChatOutcome.Refused(ChatRules.UnknownPollMessage);
        if (poll.ClosedAt is not null) return ChatOutcome.Done;
        poll.ClosedAt = clock.GetUtcNow();
        db.Add(new ChatLogEntry { EventId = chat.EventId, Seq = seq, Kind = ChatLogKind.Poll, PollId = pollId });
        Log(chat, "close-poll", null, Truncate(poll.Question, 256), null);
        await db.SaveChangesAsync(ct);
        await AnnounceAsync(chat.EventId, seq, ct);
        await tx.CommitAsync(ct);
        return ChatOutcome.Done;
    }

    /// <summary>Lifts a ban from the entity's chats; for the moderation log page, which has no room.</summary>
    public async Task<bool> UnbanAsync(ManagedEntity entity, ClaimsPrincipal actor, Guid targetUserId, CancellationToken ct)
    {
        var ban = await db.Set<ChatBan>().SingleOrDefaultAsync(b => b.EntityId == entity.Id && b.UserId == targetUserId, ct);
        if (ban is null) return false;
        db.Remove(ban);
        var name = await db.Users.Where(u => u.Id == targetUserId).Select(u => u.DisplayName).SingleAsync(ct);
        await AddLogAsync(entity.Id, null, actor, "unban", targetUserId, name, null, ct);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<bool> UnmuteAsync(ManagedEntity entity, ClaimsPrincipal actor, Guid eventId, Guid targetUserId, CancellationToken ct)
    {
        var mute = await (from m in db.Set<ChatMute>()
                          join e in db.Set<Event>() on m.EventId equals e.Id
                          where m.EventId == eventId && m.UserId == targetUserId && e.EntityId == entity.Id
                          select m).SingleOrDefaultAsync(ct);
        if (mute is null) return false;
        db.Remove(mute);
        var name = await db.Users.Where(u => u.Id == targetUserId).Select(u => u.DisplayName).SingleAsync(ct);
        await AddLogAsync(entity.Id, eventId, actor, "unmute", targetUserId, name, null, ct);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private void Log(ChatContext chat, string action, Guid? targetUserId, string targetLabel, string? detail) =>
        db.Add(new ChatModerationAction
        {
            Id = Guid.CreateVersion7(), EntityId = chat.EntityId, EventId = chat.EventId, ActorUserId = chat.UserId!.Value,
            ActorName = Truncate(chat.UserName ?? "", 256), Action = action, TargetUserId = targetUserId,
            TargetLabel = Truncate(targetLabel, 256), Detail = detail is null ? null : Truncate(detail, 500), At = clock.GetUtcNow(),
        });

    private async Task AddLogAsync(Guid entityId, Guid? eventId, ClaimsPrincipal actor, string action, Guid targetUserId, string targetLabel,
        string? detail, CancellationToken ct)
    {
        var actorId = EntityAccess.UserId(actor)!.Value;
        var actorName = await db.Users.Where(u => u.Id == actorId).Select(u => u.DisplayName).SingleAsync(ct);
        db.Add(new ChatModerationAction
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, EventId = eventId, ActorUserId = actorId, ActorName = Truncate(actorName, 256),
            Action = action, TargetUserId = targetUserId, TargetLabel = Truncate(targetLabel, 256), Detail = detail, At = clock.GetUtcNow(),
        });
    }

    private sealed record Target(string Name, bool IsTeam);

    private async Task<Target?> TargetAsync(ChatContext chat, Guid userId, CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new Target(u.DisplayName, db.Set<EntityMember>().Any(m => m.EntityId == chat.EntityId && m.UserId == u.Id)))
            .SingleOrDefaultAsync(ct);

    private Task EnsureRoomAsync(Guid eventId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"INSERT INTO chat_rooms (event_id) VALUES ({eventId}) ON CONFLICT (event_id) DO NOTHING", ct);

    /// <summary>
    /// Numbers, stores and announces one message in a single statement, so the room's row lock (which keeps the
    /// numbering in commit order) is held for one round trip rather than a transaction's worth: in a busy room every
    /// post waits for that lock. False when nothing was stored (no room row yet, or slow mode refused it).
    /// </summary>
    private async Task<bool> StoreMessageAsync(Guid eventId, Guid userId, string authorName, string body, bool moderator,
        DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var announcement = LiveAnnouncement.Prefix(ChatFeed.FeedName, ChatFeed.Topic(eventId));
        var kind = nameof(ChatLogKind.Message);
        var stored = await db.Database.SqlQuery<long>($"""
            WITH room AS (
                UPDATE chat_rooms r SET last_seq = r.last_seq + 1
                WHERE r.event_id = {eventId}
                  AND ({moderator} OR r.slow_mode_seconds = 0 OR NOT EXISTS (
                      SELECT 1 FROM chat_messages m
                      WHERE m.user_id = {userId} AND m.event_id = {eventId}
                        AND m.created_at > {now} - make_interval(secs => r.slow_mode_seconds)))
                RETURNING r.last_seq
            ), message AS (
                INSERT INTO chat_messages (id, event_id, seq, user_id, author_name, body, created_at)
                SELECT {id}, {eventId}, last_seq, {userId}, {authorName}, {body}, {now} FROM room
            ), log AS (
                INSERT INTO chat_log (event_id, seq, kind, message_id)
                SELECT {eventId}, last_seq, {kind}, {id} FROM room
            )
            SELECT room.last_seq AS "Value" FROM room, LATERAL (SELECT pg_notify({LiveAnnouncing.Channel}, {announcement} || room.last_seq::text)) notified
            """).ToListAsync(ct);
        return stored.Count == 1;
    }

    private sealed record SeqRow(long LastSeq, int SlowModeSeconds);

    /// <summary>
    /// The room's next sequence number. The UPDATE holds the room row locked until the caller's transaction ends, so
    /// everything numbered in one room commits in number order.
    /// </summary>
    private async Task<(long Seq, int SlowModeSeconds)> NextSeqAsync(Guid eventId, CancellationToken ct)
    {
        await EnsureRoomAsync(eventId, ct);
        var row = await db.Database.SqlQuery<SeqRow>($"""
            UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE event_id = {eventId}
            RETURNING last_seq AS "LastSeq", slow_mode_seconds AS "SlowModeSeconds"
            """).ToListAsync(ct);
        return (row[0].LastSeq, row[0].SlowModeSeconds);
    }

    /// <summary>
    /// The per-person limit, kept in PostgreSQL so it holds across app instances: one atomic upsert counts the post in
    /// the current window and, when the window overflows, starts a block. Returns the end of the block, or null.
    /// </summary>
    private async Task<DateTimeOffset?> RateLimitedUntilAsync(Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var windowStart = now - ChatRules.RateWindow;
        var blockUntil = now + ChatRules.RateBlock;
        var blocked = await db.Database.SqlQuery<DateTimeOffset?>($"""
            INSERT INTO chat_rate_limits AS r (user_id, window_started_at, count, blocked_until)
            VALUES ({userId}, {now}, 1, NULL)
            ON CONFLICT (user_id) DO UPDATE SET
                window_started_at = CASE WHEN r.blocked_until > {now} THEN r.window_started_at
                                         WHEN r.window_started_at <= {windowStart} THEN {now} ELSE r.window_started_at END,
                count = CASE WHEN r.blocked_until > {now} THEN r.count
                             WHEN r.window_started_at <= {windowStart} THEN 1 ELSE r.count + 1 END,
                blocked_until = CASE WHEN r.blocked_until > {now} THEN r.blocked_until
                                     WHEN r.window_started_at > {windowStart} AND r.count + 1 > {ChatRules.RatePermits} THEN {blockUntil}
                                     ELSE NULL END
            RETURNING blocked_until AS "Value"
            """).ToListAsync(ct);
        return blocked[0] is { } until && until > now ? until : null;
    }

    private Task AnnounceAsync(Guid eventId, long seq, CancellationToken ct) => db.AnnounceLiveAsync(ChatFeed.FeedName, ChatFeed.Topic(eventId), seq, ct);

    private static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

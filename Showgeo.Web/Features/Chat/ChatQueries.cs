using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Memberships;

namespace Showgeo.Web.Features.Chat;

/// <summary>The reads of a chat room: the panel an event page renders, and the room's changes for the live stream.</summary>
public sealed class ChatQueries(ShowgeoDb db, LinkGenerator links, TimeProvider clock)
{
    /// <summary>How many closed polls stay on show under the open one.</summary>
    private const int ClosedPollsShown = 2;

    public async Task<ChatPanelView> PanelAsync(ChatContext chat, CancellationToken ct)
    {
        var eventId = chat.EventId;
        var slug = chat.Event.Slug;
        // The cursor is read first: everything up to it is in the panel, everything after it comes over the stream.
        var cursor = await db.Set<ChatRoom>().AsNoTracking().Where(r => r.EventId == eventId).Select(r => r.LastSeq).SingleOrDefaultAsync(ct);
        var messages = await db.Set<ChatMessage>().AsNoTracking()
            .Where(m => m.EventId == eventId && m.Seq <= cursor && m.DeletedAt == null)
            .OrderByDescending(m => m.Seq).Take(ChatRules.PanelMessages)
            .Select(m => new { m.Id, m.Seq, m.UserId, m.AuthorName, m.Body, m.CreatedAt })
            .ToListAsync(ct);
        var polls = await PollsAsync([eventId], chat.UserId, ct);
        var badges = await MembershipAccess.BadgesAsync(db, chat.Event.EntityId, messages.Select(m => m.UserId).ToList(), clock.GetUtcNow(), ct);
        return new ChatPanelView
        {
            EventId = eventId, EventSlug = slug, EntitySlug = chat.Event.Entity!.Slug, IsOpen = chat.IsOpen, IsModerator = chat.IsModerator, Cursor = cursor,
            Messages = messages.AsEnumerable().Reverse()
                .Select(m => new ChatMessageView(m.Id, m.Seq, m.UserId, m.AuthorName, m.Body, m.CreatedAt, ModerateUrl(slug, m.Id),
                    badges.GetValueOrDefault(m.UserId))).ToList(),
            Reactions = new ChatReactionsView(Url(slug, "React"), (await ReactionCountsAsync([eventId], ct))[eventId],
                chat.CanPost, ForPage: true),
            Polls = new ChatPollsView(Url(slug, "Vote"), Url(slug, "ClosePoll"), polls.GetValueOrDefault(eventId) ?? [],
                chat.CanPost, chat.IsModerator, ForPage: true),
            Form = Form(chat),
            SlowModeSeconds = chat.Room.SlowModeSeconds, FollowersOnly = chat.Room.FollowersOnly, AttendeesOnly = chat.Room.AttendeesOnly,
        };
    }

    public ChatFormView Form(ChatContext chat) => new()
    {
        PostUrl = Url(chat.Event.Slug, "Message"), EventSlug = chat.Event.Slug, CanPost = chat.CanPost,
        SignInRequired = chat.PostRefusal?.Kind == Events.EventRefusalKind.SignInRequired,
        Refusal = chat.PostRefusal?.Message,
    };

    /// <summary>A room change, loaded for rendering: what a chat_log row stands for, in the state it is in now.</summary>
    public sealed record Change(long Seq, ChatLogKind Kind, Guid EventId, string Slug, ChatMessageView? Message, bool MessageDeleted, Guid? MessageId);

    /// <summary>
    /// The changes of one room with <paramref name="after"/> &lt; seq &lt;= <paramref name="upTo"/>, oldest first, at most
    /// <paramref name="limit"/> of them when given. One query for the range; the reaction counts and
    /// polls it needs follow in one query each, only when the range holds such changes.
    /// </summary>
    public async Task<(IReadOnlyList<Change> Changes, IReadOnlyList<ChatReactionCount> Reactions, IReadOnlyList<ChatPollView> Polls)> ChangesAsync(
        Guid eventId, long after, long upTo, int? limit, CancellationToken ct)
    {
        var query = from l in db.Set<ChatLogEntry>().AsNoTracking()
                          where l.EventId == eventId && l.Seq > after && l.Seq <= upTo
                          join e in db.Set<Events.Event>() on l.EventId equals e.Id
                          join m in db.Set<ChatMessage>() on l.MessageId equals m.Id into ms
                          from m in ms.DefaultIfEmpty()
                          orderby l.Seq
                          select new
                          {
                              l.Seq, l.Kind, e.Slug, e.EntityId, l.MessageId,
                              UserId = (Guid?)m.UserId, m.AuthorName, m.Body, CreatedAt = (DateTimeOffset?)m.CreatedAt,
                              DeletedAt = m.DeletedAt,
                          };
        var rows = await (limit is { } n ? query.Take(n) : query).ToListAsync(ct);
        // Member badges: one query, only when the range holds messages.
        var authors = rows.Where(r => r.Kind == ChatLogKind.Message && r.UserId is not null).Select(r => r.UserId!.Value).Distinct().ToList();
        var badges = authors.Count == 0 ? new Dictionary<Guid, string>()
            : await MembershipAccess.BadgesAsync(db, rows[0].EntityId, authors, clock.GetUtcNow(), ct);
        var changes = rows.Select(r => new Change(r.Seq, r.Kind, eventId, r.Slug,
            r.Kind == ChatLogKind.Message && r.UserId is { } uid
                ? new ChatMessageView(r.MessageId!.Value, r.Seq, uid, r.AuthorName, r.Body, r.CreatedAt!.Value, ModerateUrl(r.Slug, r.MessageId!.Value),
                    badges.GetValueOrDefault(uid))
                : null,
            r.DeletedAt is not null, r.MessageId)).ToList();
        var reactions = changes.Any(c => c.Kind == ChatLogKind.Reactions) ? (await ReactionCountsAsync([eventId], ct))[eventId] : [];
        var polls = changes.Any(c => c.Kind == ChatLogKind.Poll) ? (await PollsAsync([eventId], null, ct)).GetValueOrDefault(eventId) ?? [] : [];
        return (changes, reactions, polls);
    }

    public string ReactUrl(string slug) => Url(slug, "React");
    public string VoteUrl(string slug) => Url(slug, "Vote");
    public string ClosePollUrl(string slug) => Url(slug, "ClosePoll");

    private async Task<Dictionary<Guid, IReadOnlyList<ChatReactionCount>>> ReactionCountsAsync(Guid[] eventIds, CancellationToken ct)
    {
        var counts = await db.Set<ChatReaction>().AsNoTracking().Where(r => eventIds.Contains(r.EventId))
            .GroupBy(r => new { r.EventId, r.Emoji }).Select(g => new { g.Key.EventId, g.Key.Emoji, Count = g.Count() })
            .ToListAsync(ct);
        return eventIds.ToDictionary(id => id, id => (IReadOnlyList<ChatReactionCount>)ChatRules.Reactions
            .Select(r => new ChatReactionCount(r.Key, r.Emoji, r.Label,
                counts.FirstOrDefault(c => c.EventId == id && c.Emoji == r.Key)?.Count ?? 0)).ToList());
    }

    private async Task<Dictionary<Guid, IReadOnlyList<ChatPollView>>> PollsAsync(Guid[] eventIds, Guid? viewer, CancellationToken ct)
    {
        var polls = await db.Set<ChatPoll>().AsNoTracking().Where(p => eventIds.Contains(p.EventId))
            .OrderBy(p => p.ClosedAt != null).ThenByDescending(p => p.CreatedAt)
            .Select(p => new
            {
                p.Id, p.EventId, p.Question, p.Options, p.ClosedAt,
                Votes = db.Set<ChatPollVote>().Where(v => v.PollId == p.Id).GroupBy(v => v.OptionIndex)
                    .Select(g => new { Option = g.Key, Count = g.Count() }).ToList(),
                Mine = viewer == null ? null
                    : db.Set<ChatPollVote>().Where(v => v.PollId == p.Id && v.UserId == viewer).Select(v => (int?)v.OptionIndex).FirstOrDefault(),
            })
            .Take(1 + ClosedPollsShown).ToListAsync(ct);
        return polls.GroupBy(p => p.EventId).ToDictionary(g => g.Key, g => (IReadOnlyList<ChatPollView>)g
            .Where((p, i) => p.ClosedAt is null || i < 1 + ClosedPollsShown)
            .Select(p => new ChatPollView(p.Id, p.Question,
                p.Options.Select((text, i) => new ChatPollOptionView(i, text, p.Votes.FirstOrDefault(v => v.Option == i)?.Count ?? 0)).ToList(),
                p.ClosedAt is not null, p.Mine)).ToList());
    }

    private string ModerateUrl(string slug, Guid messageId) =>
        links.GetPathByPage("/Chat/Moderate", null, new { slug, messageId }) ?? throw new InvalidOperationException("No route to the moderation page.");

    private string Url(string slug, string handler) =>
        links.GetPathByPage("/Chat/Room", handler, new { slug }) ?? throw new InvalidOperationException("No route to the chat page.");
}

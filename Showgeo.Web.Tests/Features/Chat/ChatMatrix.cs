using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>
/// The chat rows the page-handler catalog's cases act on, written into a matrix world's ticketed event before the
/// request: a fan's message, an open poll, and a ban and a mute of the world's target user. Their ids follow from the world's event id,
/// so a case's URL and form can name them before they exist.
/// </summary>
public static class ChatMatrix
{
    public static Guid MessageId(World w) => Derived(w.EventId, "message");
    public static Guid PollId(World w) => Derived(w.EventId, "poll");
    /// <summary>Entity B's room holds a message, an open poll and a mute from the start, for the foreign probes.</summary>
    public static Guid OtherMessageId(World w) => Derived(w.OtherEventId, "message");
    public static Guid OtherPollId(World w) => Derived(w.OtherEventId, "poll");

    /// <summary>Entity B's room, written with the world: a message by <paramref name="authorId"/>, an open poll, a mute of <paramref name="mutedId"/>.</summary>
    public static async Task OtherRoomAsync(Showgeo.Web.Data.ShowgeoDb db, Guid otherEventId, Guid authorId, Guid mutedId)
    {
        var message = await NextSeqAsync(db, otherEventId);
        var messageId = Derived(otherEventId, "message");
        var pollId = Derived(otherEventId, "poll");
        db.Add(new ChatMessage
        {
            Id = messageId, EventId = otherEventId, Seq = message, UserId = authorId, AuthorName = "Other Fan",
            Body = "a message in another organiser's room", CreatedAt = DateTimeOffset.UtcNow,
        });
        db.Add(new ChatLogEntry { EventId = otherEventId, Seq = message, Kind = ChatLogKind.Message, MessageId = messageId });
        var poll = await NextSeqAsync(db, otherEventId);
        db.Add(new ChatPoll
        {
            Id = pollId, EventId = otherEventId, Question = "Other encore?", Options = ["Yes", "No"], CreatedByUserId = authorId,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        db.Add(new ChatLogEntry { EventId = otherEventId, Seq = poll, Kind = ChatLogKind.Poll, PollId = pollId });
        db.Add(new ChatMute { EventId = otherEventId, UserId = mutedId, Until = DateTimeOffset.UtcNow.AddHours(1) });
        await db.SaveChangesAsync();
    }

    public static async Task MessageAsync(MatrixApp app, World w)
    {
        await using var db = app.CreateDb();
        var seq = await NextSeqAsync(db, w.EventId);
        db.Add(new ChatMessage
        {
            Id = MessageId(w), EventId = w.EventId, Seq = seq, UserId = app.IdOf(Actor.Fan), AuthorName = "Matrix Fan",
            Body = "a message to moderate", CreatedAt = DateTimeOffset.UtcNow,
        });
        db.Add(new ChatLogEntry { EventId = w.EventId, Seq = seq, Kind = ChatLogKind.Message, MessageId = MessageId(w) });
        await db.SaveChangesAsync();
    }

    public static async Task PollAsync(MatrixApp app, World w)
    {
        await using var db = app.CreateDb();
        var seq = await NextSeqAsync(db, w.EventId);
        db.Add(new ChatPoll
        {
            Id = PollId(w), EventId = w.EventId, Question = "Encore?", Options = ["Yes", "No"], CreatedByUserId = app.IdOf(Actor.Owner),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        db.Add(new ChatLogEntry { EventId = w.EventId, Seq = seq, Kind = ChatLogKind.Poll, PollId = PollId(w) });
        await db.SaveChangesAsync();
    }

    public static async Task BanAsync(MatrixApp app, World w)
    {
        await using var db = app.CreateDb();
        db.Add(new ChatBan { EntityId = w.EntityId, UserId = w.TargetUserId, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    public static async Task MuteAsync(MatrixApp app, World w)
    {
        await using var db = app.CreateDb();
        await NextSeqAsync(db, w.EventId);
        db.Add(new ChatMute { EventId = w.EventId, UserId = w.TargetUserId, Until = DateTimeOffset.UtcNow.AddHours(1) });
        await db.SaveChangesAsync();
    }

    private static async Task<long> NextSeqAsync(Showgeo.Web.Data.ShowgeoDb db, Guid eventId)
    {
        await db.Database.ExecuteSqlAsync($"INSERT INTO chat_rooms (event_id) VALUES ({eventId}) ON CONFLICT DO NOTHING");
        var seq = await db.Database.SqlQuery<long>($"UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE event_id = {eventId} RETURNING last_seq AS \"Value\"").ToListAsync();
        return seq[0];
    }

    private static Guid Derived(Guid eventId, string what) =>
        new(MD5.HashData(Encoding.UTF8.GetBytes($"{eventId}:{what}")));
}

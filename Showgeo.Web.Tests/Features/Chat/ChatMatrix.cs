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

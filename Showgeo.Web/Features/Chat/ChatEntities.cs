using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Chat;

/// <summary>
/// An event's chat room, made on first use. <see cref="LastSeq"/> is the room's sequence: every change a viewer sees
/// live takes the next number while holding this row locked, so sequence order is commit order.
/// </summary>
public sealed class ChatRoom
{
    public Guid EventId { get; set; }
    public long LastSeq { get; set; }
    /// <summary>0 = off; otherwise each person (moderators aside) waits this long between messages.</summary>
    public int SlowModeSeconds { get; set; }
    /// <summary>Only followers of the entity (and its team) may post.</summary>
    public bool FollowersOnly { get; set; }
    /// <summary>Only holders of a valid ticket or an RSVP for the event (and the team) may post.</summary>
    public bool AttendeesOnly { get; set; }
}

public sealed class ChatMessage
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public long Seq { get; set; }
    public Guid UserId { get; set; }
    public string AuthorName { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public Guid? DeletedByUserId { get; set; }
}

public enum ChatLogKind { Message, Removal, Reactions, Poll }

/// <summary>One numbered change of a room, what the live stream replays: a message, its removal, new counts, a poll.</summary>
public sealed class ChatLogEntry
{
    public Guid EventId { get; set; }
    public long Seq { get; set; }
    public ChatLogKind Kind { get; set; }
    public Guid? MessageId { get; set; }
    public Guid? PollId { get; set; }
}

public sealed class ChatReaction
{
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public string Emoji { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ChatPoll
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Question { get; set; } = "";
    public string[] Options { get; set; } = [];
    public Guid CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

public sealed class ChatPollVote
{
    public Guid PollId { get; set; }
    public Guid UserId { get; set; }
    public int OptionIndex { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A person muted in one room until a time.</summary>
public sealed class ChatMute
{
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset Until { get; set; }
}

/// <summary>A person banned from every chat of one entity until lifted.</summary>
public sealed class ChatBan
{
    public Guid EntityId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ChatRateLimit
{
    public Guid UserId { get; set; }
    public DateTimeOffset WindowStartedAt { get; set; }
    public int Count { get; set; }
    public DateTimeOffset? BlockedUntil { get; set; }
}

public sealed class ChatModerationAction
{
    public Guid Id { get; set; }
    public Guid EntityId { get; set; }
    public Guid? EventId { get; set; }
    public Guid ActorUserId { get; set; }
    public string ActorName { get; set; } = "";
    public string Action { get; set; } = "";
    public Guid? TargetUserId { get; set; }
    public string TargetLabel { get; set; } = "";
    public string? Detail { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class ChatRoomConfiguration : IEntityTypeConfiguration<ChatRoom>
{
    public void Configure(EntityTypeBuilder<ChatRoom> b)
    {
        b.ToTable("chat_rooms");
        b.HasKey(x => x.EventId);
        b.Property(x => x.LastSeq).HasDefaultValue(0L);
        b.Property(x => x.SlowModeSeconds).HasDefaultValue(0);
        b.Property(x => x.FollowersOnly).HasDefaultValue(false);
        b.Property(x => x.AttendeesOnly).HasDefaultValue(false);
        b.HasOne<Event>().WithOne().HasForeignKey<ChatRoom>(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessage>
{
    public void Configure(EntityTypeBuilder<ChatMessage> b)
    {
        b.ToTable("chat_messages");
        b.HasKey(x => x.Id);
        b.Property(x => x.AuthorName).HasMaxLength(100);
        b.Property(x => x.Body).HasMaxLength(ChatRules.MaxMessageLength);
        b.HasOne<ChatRoom>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EventId, x.Seq }).IsUnique();
        b.HasIndex(x => new { x.UserId, x.EventId, x.CreatedAt });
    }
}

internal sealed class ChatLogEntryConfiguration : IEntityTypeConfiguration<ChatLogEntry>
{
    public void Configure(EntityTypeBuilder<ChatLogEntry> b)
    {
        b.ToTable("chat_log");
        b.HasKey(x => new { x.EventId, x.Seq });
        b.Property(x => x.Kind).HasConversion<string>().HasColumnType("text");
        b.HasOne<ChatRoom>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatReactionConfiguration : IEntityTypeConfiguration<ChatReaction>
{
    public void Configure(EntityTypeBuilder<ChatReaction> b)
    {
        b.ToTable("chat_reactions");
        b.HasKey(x => new { x.EventId, x.UserId, x.Emoji });
        b.Property(x => x.Emoji).HasMaxLength(20);
        b.HasOne<ChatRoom>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatPollConfiguration : IEntityTypeConfiguration<ChatPoll>
{
    public void Configure(EntityTypeBuilder<ChatPoll> b)
    {
        b.ToTable("chat_polls");
        b.HasKey(x => x.Id);
        b.Property(x => x.Question).HasMaxLength(200);
        b.HasOne<ChatRoom>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.EventId);
    }
}

internal sealed class ChatPollVoteConfiguration : IEntityTypeConfiguration<ChatPollVote>
{
    public void Configure(EntityTypeBuilder<ChatPollVote> b)
    {
        b.ToTable("chat_poll_votes");
        b.HasKey(x => new { x.PollId, x.UserId });
        b.HasOne<ChatPoll>().WithMany().HasForeignKey(x => x.PollId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatMuteConfiguration : IEntityTypeConfiguration<ChatMute>
{
    public void Configure(EntityTypeBuilder<ChatMute> b)
    {
        b.ToTable("chat_mutes");
        b.HasKey(x => new { x.EventId, x.UserId });
        b.HasOne<ChatRoom>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatBanConfiguration : IEntityTypeConfiguration<ChatBan>
{
    public void Configure(EntityTypeBuilder<ChatBan> b)
    {
        b.ToTable("chat_bans");
        b.HasKey(x => new { x.EntityId, x.UserId });
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatRateLimitConfiguration : IEntityTypeConfiguration<ChatRateLimit>
{
    public void Configure(EntityTypeBuilder<ChatRateLimit> b)
    {
        b.ToTable("chat_rate_limits");
        b.HasKey(x => x.UserId);
        b.HasOne<AppUser>().WithOne().HasForeignKey<ChatRateLimit>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatModerationActionConfiguration : IEntityTypeConfiguration<ChatModerationAction>
{
    public void Configure(EntityTypeBuilder<ChatModerationAction> b)
    {
        b.ToTable("chat_moderation_actions");
        b.HasKey(x => x.Id);
        b.Property(x => x.ActorName).HasMaxLength(256);
        b.Property(x => x.Action).HasMaxLength(30);
        b.Property(x => x.TargetLabel).HasMaxLength(256);
        b.Property(x => x.Detail).HasMaxLength(500);
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EntityId, x.At });
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Notifications;

/// <summary>What a notification is about. The names are stored and shown in preferences; do not rename them.</summary>
public static class NotificationKind
{
    public const string LiveNow = "LIVE_NOW";
    public const string PhaseUpdate = "PHASE_UPDATE";
    public const string NewEvent = "NEW_EVENT";
    public const string NewDrop = "NEW_DROP";
    public const string NewPost = "NEW_POST";
    public const string TicketPurchased = "TICKET_PURCHASED";
    public const string RefundIssued = "REFUND_ISSUED";
    public const string RoleGranted = "ROLE_GRANTED";
    public const string Membership = "MEMBERSHIP";

    public static readonly IReadOnlyList<string> All = [LiveNow, PhaseUpdate, NewEvent, NewDrop, NewPost, TicketPurchased, RefundIssued, RoleGranted, Membership];

    /// <summary>Broadcast kinds that also reach holders of tickets or RSVPs for the event, whether or not they follow.</summary>
    public static bool ReachesEventHolders(string kind) => kind is LiveNow or PhaseUpdate;

    public static string Label(string kind) => kind switch
    {
        LiveNow => "Going live",
        PhaseUpdate => "Changes to events (rescheduling, ending, cancellation)",
        NewEvent => "New events announced",
        NewDrop => "New merchandise drops",
        NewPost => "New posts",
        TicketPurchased => "Tickets you bought",
        RefundIssued => "Refunds",
        RoleGranted => "Roles on an entity",
        Membership => "Your memberships (started, ended)",
        _ => kind,
    };
}

/// <summary>
/// One stored notice. Direct ones have <see cref="UserId"/>; broadcasts have <see cref="EntityId"/> and are shown to
/// the entity's followers (since they followed) and, for live/phase notices, to holders of tickets or RSVPs for
/// <see cref="EventId"/>. <see cref="Seq"/> is the live-stream cursor.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public long Seq { get; set; }
    public string Kind { get; set; } = "";
    public string SourceKey { get; set; } = "";
    public Guid? UserId { get; set; }
    public Guid? EntityId { get; set; }
    public Guid? EventId { get; set; }
    public bool ToFollowers { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string? Link { get; set; }
    public int? Reach { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class NotificationRead
{
    public Guid UserId { get; set; }
    public Guid NotificationId { get; set; }
    public DateTimeOffset ReadAt { get; set; }
}

public sealed class NotificationSettings
{
    public Guid UserId { get; set; }
    public long ReadThrough { get; set; }
    public string[] MutedKinds { get; set; } = [];
    public bool EmailLiveNow { get; set; }
    public bool EmailCancellations { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum EntityNotificationLevel { All, LiveOnly, None }

public sealed class EntityNotificationSettings
{
    public Guid UserId { get; set; }
    public Guid EntityId { get; set; }
    public EntityNotificationLevel Level { get; set; }
}

public sealed class NotificationEmail
{
    public Guid NotificationId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications", t => t.HasCheckConstraint("ck_notifications_audience", "(user_id IS NULL) <> (entity_id IS NULL)"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasMaxLength(32);
        b.Property(x => x.SourceKey).HasMaxLength(200);
        b.Property(x => x.Title).HasMaxLength(300);
        b.Property(x => x.Body).HasMaxLength(1000);
        b.Property(x => x.Link).HasMaxLength(500);
        b.HasIndex(x => x.Seq).IsUnique();
        b.HasIndex(x => x.SourceKey).IsUnique();
        b.HasIndex(x => new { x.UserId, x.Seq });
        b.HasIndex(x => new { x.EntityId, x.Seq });
        b.HasIndex(x => x.EventId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationReadConfiguration : IEntityTypeConfiguration<NotificationRead>
{
    public void Configure(EntityTypeBuilder<NotificationRead> b)
    {
        b.ToTable("notification_reads");
        b.HasKey(x => new { x.UserId, x.NotificationId });
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Notification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.NotificationId);
    }
}

internal sealed class NotificationSettingsConfiguration : IEntityTypeConfiguration<NotificationSettings>
{
    public void Configure(EntityTypeBuilder<NotificationSettings> b)
    {
        b.ToTable("notification_settings");
        b.HasKey(x => x.UserId);
        b.HasOne<AppUser>().WithOne().HasForeignKey<NotificationSettings>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EntityNotificationSettingsConfiguration : IEntityTypeConfiguration<EntityNotificationSettings>
{
    public void Configure(EntityTypeBuilder<EntityNotificationSettings> b)
    {
        b.ToTable("entity_notification_settings");
        b.HasKey(x => new { x.UserId, x.EntityId });
        b.Property(x => x.Level).HasConversion<string>().HasColumnType("text");
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.EntityId);
    }
}

internal sealed class NotificationEmailConfiguration : IEntityTypeConfiguration<NotificationEmail>
{
    public void Configure(EntityTypeBuilder<NotificationEmail> b)
    {
        b.ToTable("notification_emails");
        b.HasKey(x => new { x.NotificationId, x.UserId });
        b.HasOne<Notification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.UserId);
    }
}

using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Admin;

/// <summary>One moderation step: who did what to which entity or user, when, and why.</summary>
public sealed class AdminAction
{
    public Guid Id { get; set; }
    public Guid ActorUserId { get; set; }
    public string ActorName { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>What was done, e.g. "suspended", "reinstated", "verified".</summary>
    public string Action { get; set; } = "";
    /// <summary>"entity" or "user".</summary>
    public string TargetKind { get; set; } = "";
    public Guid TargetId { get; set; }
    /// <summary>The target's name or address at the time, so the record reads on its own.</summary>
    public string TargetLabel { get; set; } = "";
    public string? Reason { get; set; }
}

internal sealed class AdminActionConfiguration : IEntityTypeConfiguration<AdminAction>
{
    public void Configure(EntityTypeBuilder<AdminAction> b)
    {
        b.ToTable("admin_actions");
        b.HasKey(x => x.Id);
        b.Property(x => x.ActorName).HasMaxLength(256);
        b.Property(x => x.Action).HasMaxLength(50);
        b.Property(x => x.TargetKind).HasMaxLength(20);
        b.Property(x => x.TargetLabel).HasMaxLength(256);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.HasIndex(x => x.At);
    }
}

/// <summary>The one way admin pages record what they did and read back the recent record.</summary>
public static class AdminActions
{
    public const string Entity = "entity";
    public const string User = "user";
    public const int RecentCount = 10;

    public sealed record Recent(DateTimeOffset At, string ActorName, string Action, string TargetKind, string TargetLabel, string? Reason);

    /// <summary>Adds the record to <paramref name="db"/>; the caller saves it together with the change it describes.</summary>
    public static void Record(ShowgeoDb db, ClaimsPrincipal actor, DateTimeOffset at, string action, string targetKind,
        Guid targetId, string targetLabel, string? reason = null) =>
        db.Add(new AdminAction
        {
            Id = Guid.CreateVersion7(),
            ActorUserId = EntityAccess.UserId(actor) ?? throw new InvalidOperationException("Admin actions need a signed-in admin."),
            ActorName = actor.FindFirstValue(ClaimTypes.Name) ?? "",
            At = at,
            Action = action,
            TargetKind = targetKind,
            TargetId = targetId,
            TargetLabel = targetLabel,
            Reason = reason,
        });

    public static Task<List<Recent>> RecentAsync(ShowgeoDb db, string targetKind, CancellationToken ct) =>
        db.Set<AdminAction>().AsNoTracking().Where(a => a.TargetKind == targetKind)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(RecentCount)
            .Select(a => new Recent(a.At, a.ActorName, a.Action, a.TargetKind, a.TargetLabel, a.Reason))
            .ToListAsync(ct);
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using FollowRow = Showgeo.Web.Features.Follow.Follow;

namespace Showgeo.Web.Features.Notifications;

/// <summary>
/// /me/notifications/settings: which kinds a person hears about, how much of each followed entity (all / live only /
/// none), and the opt-in email channel for going-live and cancellation notices. A muted kind is neither pushed nor
/// counted; the live stream picks the new settings up when the page reloads after saving.
/// </summary>
[Authorize]
public sealed class PreferencesModel(ShowgeoDb db, TimeProvider clock) : PageModel
{
    public const int MaxEntities = 500;

    public sealed record FollowedEntity(Guid Id, string Name, EntityNotificationLevel Level);

    public sealed class Input
    {
        /// <summary>The kinds left on; every other kind is muted.</summary>
        public List<string> Kinds { get; set; } = [];
        public bool EmailLiveNow { get; set; }
        public bool EmailCancellations { get; set; }
        public Dictionary<Guid, EntityNotificationLevel> Entities { get; set; } = [];
    }

    [BindProperty] public Input Form { get; set; } = new();
    public IReadOnlyList<FollowedEntity> Followed { get; private set; } = [];
    public bool FollowsMore { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var settings = await db.Set<NotificationSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == UserId, ct);
        Form = new Input
        {
            Kinds = NotificationKind.All.Where(k => settings?.MutedKinds.Contains(k) != true).ToList(),
            EmailLiveNow = settings?.EmailLiveNow ?? false,
            EmailCancellations = settings?.EmailCancellations ?? false,
        };
        await LoadFollowedAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Form.Kinds.Any(k => !NotificationKind.All.Contains(k)) || Form.Entities.Values.Any(l => !Enum.IsDefined(l)) || Form.Entities.Count > MaxEntities)
            return BadRequest();
        var muted = NotificationKind.All.Where(k => !Form.Kinds.Contains(k)).ToArray();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_settings (user_id, read_through, muted_kinds, email_live_now, email_cancellations, updated_at)
            VALUES ({UserId}, 0, {muted}, {Form.EmailLiveNow}, {Form.EmailCancellations}, {now})
            ON CONFLICT (user_id) DO UPDATE SET muted_kinds = excluded.muted_kinds, email_live_now = excluded.email_live_now,
                email_cancellations = excluded.email_cancellations, updated_at = excluded.updated_at
            """, ct);
        // Only entities the person follows; "All" is the default and needs no row.
        var followed = Form.Entities.Keys.ToList();
        followed = await db.Set<FollowRow>().Where(f => f.UserId == UserId && followed.Contains(f.EntityId)).Select(f => f.EntityId).ToListAsync(ct);
        await db.Set<EntityNotificationSettings>().Where(s => s.UserId == UserId && followed.Contains(s.EntityId)).ExecuteDeleteAsync(ct);
        db.AddRange(followed.Where(id => Form.Entities[id] != EntityNotificationLevel.All)
            .Select(id => new EntityNotificationSettings { UserId = UserId, EntityId = id, Level = Form.Entities[id] }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Notifications/Preferences")!, "Notification settings saved.");
    }

    private Guid UserId => EntityAccess.UserId(User)!.Value;

    private async Task LoadFollowedAsync(CancellationToken ct)
    {
        var rows = await (from f in db.Set<FollowRow>().AsNoTracking()
                          where f.UserId == UserId
                          join s in db.Set<EntityNotificationSettings>() on new { f.UserId, f.EntityId } equals new { s.UserId, s.EntityId } into ss
                          from s in ss.DefaultIfEmpty()
                          orderby f.Entity!.Name, f.EntityId
                          select new FollowedEntity(f.EntityId, f.Entity!.Name, s == null ? EntityNotificationLevel.All : s.Level))
            .Take(MaxEntities + 1).ToListAsync(ct);
        FollowsMore = rows.Count > MaxEntities;
        Followed = rows.Take(MaxEntities).ToList();
        foreach (var f in Followed) Form.Entities[f.Id] = f.Level;
    }

    public static string LevelLabel(EntityNotificationLevel level) => level switch
    {
        EntityNotificationLevel.All => "Everything",
        EntityNotificationLevel.LiveOnly => "Only when live",
        _ => "Nothing",
    };
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Chat;

public sealed record ModerationLogRow(DateTimeOffset At, string ActorName, string Action, string TargetLabel, string? Detail, string? EventTitle);
public sealed record ChatBanRow(Guid UserId, string Name, DateTimeOffset Since);
public sealed record ChatMuteRow(Guid EventId, string EventTitle, Guid UserId, string Name, DateTimeOffset Until);

/// <summary>Every chat moderation step across the entity's events, and the bans and mutes in force, for its whole team.</summary>
[Authorize]
public sealed class ModerationLogModel(ShowgeoDb db, ManagedEntityGate gate, ChatService chat, TimeProvider clock) : PageModel
{
    public const int PageSize = 100;

    public ManagedEntity Entity { get; private set; } = null!;
    public List<ModerationLogRow> Actions { get; private set; } = [];
    public List<ChatBanRow> Bans { get; private set; } = [];
    public List<ChatMuteRow> Mutes { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public bool HasMore { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, [FromQuery(Name = "p")] int? pageNumber, CancellationToken ct)
    {
        var check = await gate.CheckAsync(slug, User, EntityPermission.RunEvents, ct);
        if (check.Denied is { } denied) return denied;
        Entity = check.Entity!;
        PageNumber = Math.Clamp(pageNumber ?? 1, 1, 10_000);
        var entityId = Entity.Id;
        var rows = await (from a in db.Set<ChatModerationAction>().AsNoTracking()
                          where a.EntityId == entityId
                          join e in db.Set<Event>() on a.EventId equals e.Id into es
                          from e in es.DefaultIfEmpty()
                          orderby a.At descending, a.Id descending
                          select new ModerationLogRow(a.At, a.ActorName, a.Action, a.TargetLabel, a.Detail, e == null ? null : e.Title))
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        HasMore = rows.Count > PageSize;
        Actions = rows.Take(PageSize).ToList();
        Bans = await (from b in db.Set<ChatBan>().AsNoTracking()
                      where b.EntityId == entityId
                      join u in db.Users on b.UserId equals u.Id
                      orderby b.CreatedAt descending
                      select new ChatBanRow(u.Id, u.DisplayName, b.CreatedAt)).ToListAsync(ct);
        var now = clock.GetUtcNow();
        Mutes = await (from m in db.Set<ChatMute>().AsNoTracking()
                       join e in db.Set<Event>() on m.EventId equals e.Id
                       join u in db.Users on m.UserId equals u.Id
                       where e.EntityId == entityId && m.Until > now
                       orderby m.Until
                       select new ChatMuteRow(e.Id, e.Title, u.Id, u.DisplayName, m.Until)).ToListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUnbanAsync(string slug, [FromForm] Guid userId, CancellationToken ct)
    {
        var check = await gate.CheckAsync(slug, User, EntityPermission.RunEvents, ct);
        if (check.Denied is { } denied) return denied;
        var lifted = await chat.UnbanAsync(check.Entity!, User, userId, ct);
        return this.RedirectAfterPost(Url.Page("/Chat/ModerationLog", new { slug })!, lifted ? "Ban lifted." : "That person is not banned.");
    }

    public async Task<IActionResult> OnPostUnmuteAsync(string slug, [FromForm] Guid eventId, [FromForm] Guid userId, CancellationToken ct)
    {
        var check = await gate.CheckAsync(slug, User, EntityPermission.RunEvents, ct);
        if (check.Denied is { } denied) return denied;
        var lifted = await chat.UnmuteAsync(check.Entity!, User, eventId, userId, ct);
        return this.RedirectAfterPost(Url.Page("/Chat/ModerationLog", new { slug })!, lifted ? "Mute lifted." : "That person is not muted there.");
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Notifications;

public sealed record EntityNotice(string Kind, string Title, int? Reach, DateTimeOffset CreatedAt);

/// <summary>For an entity's team: its latest broadcasts and how many followers each reached when it went out.</summary>
public sealed class EntityNoticesViewComponent(ShowgeoDb db) : ViewComponent
{
    public const int Shown = 10;

    public async Task<IViewComponentResult> InvokeAsync(Guid entityId, Guid? eventId = null)
    {
        var notices = await db.Set<Notification>().AsNoTracking()
            .Where(n => n.EntityId == entityId && (eventId == null || n.EventId == eventId))
            .OrderByDescending(n => n.Seq).Take(Shown)
            .Select(n => new EntityNotice(n.Kind, n.Title, n.Reach, n.CreatedAt))
            .ToListAsync(HttpContext.RequestAborted);
        return View("/Features/Notifications/_EntityNotices.cshtml", notices);
    }
}

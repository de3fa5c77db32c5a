using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Events.Manage;

public sealed class ManageEventsModel(ShowgeoDb db, ManagedEntityGate gate) : PageModel
{
    public const int PageSize = 50;

    public ManagedEntity Entity { get; private set; } = null!;
    public List<Row> Events { get; private set; } = [];
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;
    public bool HasMore { get; private set; }

    public sealed record Row(Guid Id, string Slug, string Title, DateTimeOffset StartsAt, string TimeZone,
        EventPhase Phase, EventVisibility Visibility, bool IsFree);

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var (allowed, denied) = await gate.CheckAsync(slug, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        var entity = allowed!;
        Entity = entity;
        PageNumber = Math.Max(1, PageNumber);
        var rows = await db.Set<Event>().AsNoTracking().Where(e => e.EntityId == entity.Id)
            .OrderByDescending(e => e.StartsAt).ThenBy(e => e.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1)
            .Select(e => new Row(e.Id, e.Slug, e.Title, e.StartsAt, e.TimeZone, e.Phase, e.Visibility, e.IsFree))
            .ToListAsync(ct);
        HasMore = rows.Count > PageSize;
        Events = rows.Take(PageSize).ToList();
        return Page();
    }
}

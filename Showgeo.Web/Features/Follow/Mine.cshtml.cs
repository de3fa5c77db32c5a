using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Follow;

/// <summary>/me/follows: the entities the signed-in fan follows, newest follow first.</summary>
[Authorize]
public sealed class MineModel(ShowgeoDb db) : PageModel
{
    public const int PageSize = 24;

    public sealed record Followed(Guid Id, string Slug, string Name, EntityKind Kind, string? City, bool IsVerified,
        bool IsSuspended, int FollowerCount);

    public int PageNumber { get; private set; } = 1;
    public IReadOnlyList<Followed> Entities { get; private set; } = [];
    public bool HasNext { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (QueryPaging.Parse(Request.Query["page"], 10_000) is not { } pageNumber) return BadRequest();
        PageNumber = pageNumber;
        var userId = EntityAccess.UserId(User)!.Value;
        var rows = await db.Set<Follow>().AsNoTracking()
            .Where(f => f.UserId == userId)
            .OrderByDescending(f => f.CreatedAt).ThenBy(f => f.EntityId)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1)
            .Select(f => new Followed(f.EntityId, f.Entity!.Slug, f.Entity.Name, f.Entity.Kind, f.Entity.City,
                f.Entity.IsVerified, f.Entity.SuspendedAt != null, f.Entity.FollowerCount))
            .ToListAsync(ct);
        HasNext = rows.Count > PageSize;
        Entities = rows.Take(PageSize).ToList();
        return Page();
    }
}

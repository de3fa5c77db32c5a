using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Follow;

/// <summary>/manage/{slug}/followers: who follows the entity, for members allowed to manage its profile.</summary>
[Authorize]
public sealed class FollowersModel(ShowgeoDb db, EntityAccess access) : PageModel
{
    public const int PageSize = 50;

    public sealed record Follower(string DisplayName, string? Handle, string? City, DateTimeOffset Since);

    public int PageNumber { get; private set; } = 1;
    public string Slug { get; private set; } = "";
    public string EntityName { get; private set; } = "";
    public int FollowerCount { get; private set; }
    public IReadOnlyList<Follower> Followers { get; private set; } = [];
    public bool HasNext { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Slug == slug)
            .Select(e => new { e.Id, e.Name, e.FollowerCount }).SingleOrDefaultAsync(ct);
        if (entity is null) return NotFound();
        if (!await access.CanAsync(entity.Id, User, EntityPermission.ManageProfile, ct))
            return StatusCode(StatusCodes.Status403Forbidden);
        if (QueryPaging.Parse(Request.Query["page"], 100_000) is not { } pageNumber) return BadRequest();
        PageNumber = pageNumber;

        (Slug, EntityName, FollowerCount) = (slug, entity.Name, entity.FollowerCount);
        var rows = await db.Set<Follow>().AsNoTracking()
            .Where(f => f.EntityId == entity.Id)
            .OrderByDescending(f => f.CreatedAt).ThenBy(f => f.UserId)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1)
            // A private profile shows only its display name, even to the entities it follows.
            .Select(f => new Follower(f.User!.DisplayName, f.User.IsProfilePrivate ? null : f.User.Handle,
                f.User.IsProfilePrivate ? null : f.User.City, f.CreatedAt))
            .ToListAsync(ct);
        HasNext = rows.Count > PageSize;
        Followers = rows.Take(PageSize).ToList();
        return Page();
    }
}

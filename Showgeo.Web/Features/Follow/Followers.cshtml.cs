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
public sealed class FollowersModel(ShowgeoDb db, ManagedEntityGate gate) : PageModel
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
        var (allowed, denied) = await gate.CheckAsync(slug, User, EntityPermission.ManageProfile, ct);
        if (denied is not null) return denied;
        var entity = allowed!;
        if (QueryPaging.Parse(Request.Query["page"], 100_000) is not { } pageNumber) return BadRequest();
        PageNumber = pageNumber;

        (Slug, EntityName) = (slug, entity.Name);
        FollowerCount = await db.Set<Entity>().Where(e => e.Id == entity.Id).Select(e => e.FollowerCount).SingleAsync(ct);
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

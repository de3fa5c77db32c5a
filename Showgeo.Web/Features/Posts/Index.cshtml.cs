using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Posts;

/// <summary>All of an entity's posts that are out, newest first, keyset-paged with <c>?after=</c>.</summary>
public sealed class PostListModel(ShowgeoDb db, PostCards cards) : PageModel
{
    public string EntitySlug { get; private set; } = "";
    public string EntityName { get; private set; } = "";
    public PostCardPage Posts { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string slug, string? after, CancellationToken ct)
    {
        if (!PostCursor.TryParse(after, out var cursor)) return BadRequest();
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Slug == slug && e.SuspendedAt == null)
            .Select(e => new { e.Id, e.Slug, e.Name }).SingleOrDefaultAsync(ct);
        if (entity is null) return NotFound();
        (EntitySlug, EntityName) = (entity.Slug, entity.Name);
        Posts = await cards.PageAsync(db.Set<Post>().Where(p => p.EntityId == entity.Id), User, cursor, PostRules.ListPageSize, ct);
        return Page();
    }

    public string NextUrl => QueryPaging.With(Request, "after", Posts.Next?.ToString());
}

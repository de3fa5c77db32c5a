using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Posts;

/// <summary>/me/feed: posts of the entities the fan follows, newest first, keyset-paged with <c>?after=</c>.</summary>
public sealed class PostFeedModel(ShowgeoDb db, PostCards cards) : PageModel
{
    public PostCardPage Posts { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string? after, CancellationToken ct)
    {
        if (!PostCursor.TryParse(after, out var cursor)) return BadRequest();
        var userId = EntityAccess.UserId(User)!.Value;
        var followed = db.Set<Follow.Follow>().Where(f => f.UserId == userId).Select(f => f.EntityId);
        Posts = await cards.PageAsync(db.Set<Post>().Where(p => followed.Contains(p.EntityId)), User, cursor, PostRules.FeedPageSize, ct);
        return Page();
    }

    public string NextUrl => QueryPaging.With(Request, "after", Posts.Next?.ToString());
}

using Microsoft.AspNetCore.Mvc;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Posts;

public sealed record EntityPostsSection(string EntitySlug, IReadOnlyList<PostCard> Posts, bool HasMore);

/// <summary>The newest few posts of an entity for its profile page, with a link to all of them.</summary>
public sealed class EntityPostsViewComponent(ShowgeoDb db, PostCards cards) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid entityId, string entitySlug)
    {
        var page = await cards.PageAsync(db.Set<Post>().Where(p => p.EntityId == entityId), HttpContext.User, null,
            PostRules.NewestOnProfile, HttpContext.RequestAborted);
        return View("~/Features/Posts/_EntityPosts.cshtml", new EntityPostsSection(entitySlug, page.Cards, page.Next is not null));
    }
}

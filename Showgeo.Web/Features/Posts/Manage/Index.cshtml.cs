using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Posts.Manage;

/// <summary>An entity's posts in the back office: drafts, scheduled and published, newest first; delete from here.</summary>
public sealed class ManagePostsModel(ShowgeoDb db, ManagedEntityGate gate, AssetService assets, TimeProvider clock) : PageModel
{
    private const int Shown = 200;

    public sealed record Row(Guid Id, string Title, PostVisibility Visibility, DateTimeOffset? PublishAt, DateTimeOffset UpdatedAt, int Comments);

    public ManagedEntity Entity { get; private set; } = null!;
    public IReadOnlyList<Row> Posts { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, ct) is { } denied) return denied;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string slug, Guid postId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, ct) is { } denied) return denied;
        var post = await db.Set<Post>().SingleOrDefaultAsync(p => p.Id == postId && p.EntityId == Entity.Id, ct);
        if (post is null)
        {
            Message = "That post is not one of this entity's.";
            await LoadAsync(ct);
            return Page();
        }
        db.Remove(post);
        await db.SaveChangesAsync(ct);
        if (post.ImageAssetId is { } image) await assets.DeleteAsync(image, ct);
        return this.RedirectAfterPost(Url.Page("/Posts/Manage/Index", new { slug = Entity.Slug })!, $"Deleted “{post.Title}”.");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Posts = await db.Set<Post>().AsNoTracking().Where(p => p.EntityId == Entity.Id)
            .OrderByDescending(p => p.PublishAt == null).ThenByDescending(p => p.PublishAt).ThenByDescending(p => p.UpdatedAt)
            .Select(p => new Row(p.Id, p.Title, p.Visibility, p.PublishAt, p.UpdatedAt, db.Set<PostComment>().Count(c => c.PostId == p.Id && c.DeletedAt == null)))
            .Take(Shown).ToListAsync(ct);
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, CancellationToken ct)
    {
        var (entity, denied) = await gate.CheckAsync(slug, User, PostPermissions.Write, ct);
        if (denied is not null) return denied;
        Entity = entity!;
        return null;
    }
}

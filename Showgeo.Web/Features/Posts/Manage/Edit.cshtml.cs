using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Posts.Manage;

public enum PublishChoice { Draft, Now, Schedule }

/// <summary>
/// Writes or edits one post: title, Markdown body, who may read it, an optional event of this entity, one image through
/// the assets capability, and draft / publish now / publish at a time. Every refusal re-renders the form with its
/// reasons and writes nothing; the image is stored only once the rest of the form is valid.
/// </summary>
[EnableRateLimiting(RateLimits.Upload)]
public sealed class EditPostModel(ShowgeoDb db, ManagedEntityGate gate, AssetService assets, TimeProvider clock) : PageModel
{
    public sealed class PostInput
    {
        public string? Title { get; set; }
        public string? Body { get; set; }
        public PostVisibility Visibility { get; set; } = PostVisibility.Public;
        /// <summary>For members-only posts: the lowest tier whose members may read it.</summary>
        public Guid? MembersTierId { get; set; }
        public Guid? EventId { get; set; }
        public PublishChoice Publish { get; set; } = PublishChoice.Draft;
        /// <summary>UTC.</summary>
        public DateTime? PublishAt { get; set; }
        public bool RemoveImage { get; set; }
    }

    [BindProperty] public PostInput Input { get; set; } = new();
    [BindProperty] public IFormFile? Image { get; set; }

    public ManagedEntity Entity { get; private set; } = null!;
    public Post? Existing { get; private set; }
    public List<(Guid Id, string Title)> Events { get; private set; } = [];
    public List<(Guid Id, string Name)> Tiers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, Guid? postId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, postId, ct) is { } denied) return denied;
        if (Existing is { } p)
        {
            var now = clock.GetUtcNow();
            Input = new PostInput
            {
                Title = p.Title, Body = p.BodyMarkdown, Visibility = p.Visibility, MembersTierId = p.MembersTierId, EventId = p.EventId,
                Publish = p.PublishAt is null ? PublishChoice.Draft : p.PublishAt <= now ? PublishChoice.Now : PublishChoice.Schedule,
                PublishAt = p.PublishAt is { } at && at > now ? at.UtcDateTime : null,
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, Guid? postId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, postId, ct) is { } denied) return denied;
        var now = clock.GetUtcNow();
        var title = PostRules.CleanLine(Input.Title);
        var body = PostRules.Clean(Input.Body);
        if (title.Length == 0) ModelState.AddModelError("Input.Title", "Give the post a title.");
        else if (title.Length > PostRules.TitleMax) ModelState.AddModelError("Input.Title", $"A title can be up to {PostRules.TitleMax} characters.");
        if (body.Length == 0) ModelState.AddModelError("Input.Body", "Write the post first: the body is empty.");
        else if (body.Length > PostRules.BodyMax) ModelState.AddModelError("Input.Body", $"A post can be up to {PostRules.BodyMax:N0} characters; this one has {body.Length:N0}.");
        if (!Enum.IsDefined(Input.Visibility)) ModelState.AddModelError("Input.Visibility", "Choose who may read the post.");
        if (Input.Visibility == PostVisibility.Members)
        {
            if (Tiers.Count == 0) ModelState.AddModelError("Input.Visibility", "This entity has no membership tiers yet: create one before writing members-only posts.");
            else if (Input.MembersTierId is not { } tier) ModelState.AddModelError("Input.MembersTierId", "Choose the lowest tier whose members may read it.");
            else if (!Tiers.Any(t => t.Id == tier)) ModelState.AddModelError("Input.MembersTierId", "Choose one of this entity's tiers.");
        }
        if (!Enum.IsDefined(Input.Publish)) ModelState.AddModelError("Input.Publish", "Choose draft, publish now or schedule.");
        if (Input.EventId is { } ev && !Events.Any(e => e.Id == ev)) ModelState.AddModelError("Input.EventId", "Choose one of this entity's events.");
        DateTimeOffset? publishAt = Input.Publish switch
        {
            PublishChoice.Now => Existing?.PublishAt is { } at && at <= now ? at : now,
            PublishChoice.Schedule when Input.PublishAt is { } d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            _ => null,
        };
        if (Input.Publish == PublishChoice.Schedule)
        {
            if (publishAt is null) ModelState.AddModelError("Input.PublishAt", "Give the time to publish at (UTC), or choose publish now.");
            else if (publishAt <= now) ModelState.AddModelError("Input.PublishAt", "The publish time must be in the future (or choose publish now).");
        }
        if (Image is { Length: 0 }) ModelState.AddModelError("Image", "The chosen image file is empty.");
        if (!ModelState.IsValid) return Page();

        var userId = EntityAccess.UserId(User)!.Value;
        Guid? uploaded = null;
        if (Image is not null)
        {
            var result = await assets.UploadAsync(AssetUpload.From(Image, userId, Entity.Id), AssetService.ImagesOnly, ct: ct);
            if (!result.Succeeded)
            {
                ModelState.AddModelError("Image", $"{Image.FileName}: {result.Error}");
                return Page();
            }
            uploaded = result.Asset!.Id;
        }

        var post = Existing is null
            ? new Post { Id = Guid.CreateVersion7(), EntityId = Entity.Id, AuthorUserId = userId, CreatedAt = now }
            : await db.Set<Post>().SingleAsync(p => p.Id == Existing.Id, ct);
        var previousImage = post.ImageAssetId;
        post.Title = title;
        post.BodyMarkdown = body;
        post.BodyHtml = PostMarkdown.ToHtml(body);
        post.Excerpt = PostMarkdown.Excerpt(body);
        post.Visibility = Input.Visibility;
        post.MembersTierId = Input.Visibility == PostVisibility.Members ? Input.MembersTierId : null;
        post.EventId = Input.EventId;
        post.PublishAt = publishAt;
        post.UpdatedAt = now;
        if (uploaded is not null) post.ImageAssetId = uploaded;
        else if (Input.RemoveImage) post.ImageAssetId = null;
        if (Existing is null) db.Add(post);
        var published = PostPublishing.RecordIfDue(db, post, Entity.Slug, Entity.Name, now);
        await db.SaveChangesAsync(ct);
        if (previousImage is { } old && old != post.ImageAssetId) await assets.DeleteAsync(old, ct);

        var status = post.PublishAt is not { } when ? "Saved as a draft."
            : when > now ? $"It will be published {when.UtcDateTime:d MMM yyyy HH:mm} UTC."
            : published ? "It is published and your followers are told." : "It is published.";
        return this.RedirectAfterPost(Url.Page("/Posts/Manage/Index", new { slug = Entity.Slug })!, $"Saved “{title}”. {status}");
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, Guid? postId, CancellationToken ct)
    {
        var (entity, denied) = await gate.CheckAsync(slug, User, PostPermissions.Write, ct);
        if (denied is not null) return denied;
        Entity = entity!;
        if (postId is { } id)
        {
            Existing = await db.Set<Post>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.EntityId == Entity.Id, ct);
            if (Existing is null) return NotFound();
        }
        Events = (await db.Set<Event>().AsNoTracking().Where(e => e.EntityId == Entity.Id).OrderByDescending(e => e.StartsAt)
            .Select(e => new { e.Id, e.Title }).Take(200).ToListAsync(ct)).Select(e => (e.Id, e.Title)).ToList();
        // Archived tiers too: their members keep access, so a post may still be for them.
        Tiers = (await db.Set<MembershipTier>().AsNoTracking().Where(t => t.EntityId == Entity.Id).OrderBy(t => t.Rank)
            .Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
        return null;
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Posts;

/// <summary>What the comments section shows and who is looking; the <c>_Comments</c> partial's model.</summary>
public sealed record CommentsView(Guid PostId, string EntitySlug, bool Locked, bool IsTeam, bool SignedIn, string? CannotComment,
    string Sort, CommentThreads Threads, string? Error, string? Notice, string? Draft, Guid? DraftParentId);

/// <summary>
/// One post at /e/{slug}/posts/{postId} with its comments. A reader who may not read it gets the title and the step that
/// unlocks it, and nothing of the body, its image or its comments; every comment handler asks the same rule first.
/// </summary>
public sealed class PostDetailsModel(ShowgeoDb db, PostReaders readers, PostComments comments, TimeProvider clock) : PageModel
{
    public sealed record PostView(Guid Id, Guid EntityId, string EntitySlug, string EntityName, string Title, DateTimeOffset? PublishAt,
        PostVisibility Visibility, Microsoft.AspNetCore.Html.HtmlString? Body, Guid? ImageAssetId, string? EventTitle, string? EventSlug, bool CommentsLocked, bool IsOut);

    public PostView Post { get; private set; } = null!;
    public PostRead Read { get; private set; }
    public PostLock? Lock { get; private set; }
    public PostViewer Viewer { get; private set; } = PostViewer.Anonymous;
    public CommentsView? Comments { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid postId, CancellationToken ct)
    {
        if (await LoadAsync(slug, postId, ct) is { } missing) return missing;
        if (Read == PostRead.Full) Comments = await CommentsAsync(null, null, null, null, ct);
        return Page();
    }

    public Task<IActionResult> OnPostCommentAsync(string slug, Guid postId, Guid? parentId, string? body, CancellationToken ct) =>
        ActAsync(slug, postId, ct, async userId =>
        {
            if (Post.CommentsLocked && !Viewer.IsTeam) return (null, "Comments on this post are closed.", null);
            var (id, error) = await comments.AddAsync(postId, userId, parentId, body, ct);
            return error is null ? (id, null, parentId is null ? "Comment posted." : "Reply posted.") : (null, error, null);
        }, keepDraft: (body, parentId));

    public Task<IActionResult> OnPostEditAsync(string slug, Guid postId, Guid commentId, string? body, CancellationToken ct) =>
        ActAsync(slug, postId, ct, async userId =>
        {
            if (Post.CommentsLocked && !Viewer.IsTeam) return (null, "Comments on this post are closed.", null);
            var error = await comments.EditAsync(postId, commentId, userId, body, ct);
            return (error is null ? commentId : null, error, error is null ? "Comment updated." : null);
        });

    public Task<IActionResult> OnPostDeleteAsync(string slug, Guid postId, Guid commentId, CancellationToken ct) =>
        ActAsync(slug, postId, ct, async userId =>
        {
            var error = await comments.DeleteAsync(postId, commentId, userId, Viewer.IsTeam, ct);
            return (error is null ? commentId : null, error, error is null ? "Comment deleted." : null);
        });

    public Task<IActionResult> OnPostReactAsync(string slug, Guid postId, Guid commentId, string? kind, CancellationToken ct) =>
        ActAsync(slug, postId, ct, async userId =>
        {
            if (Post.CommentsLocked && !Viewer.IsTeam) return (null, "Comments on this post are closed.", null);
            var error = await comments.ReactAsync(postId, commentId, userId, kind, ct);
            return (error is null ? commentId : null, error, null);
        });

    /// <summary>The team closes a thread (nobody else may comment, reply, edit or react) or opens it again.</summary>
    public Task<IActionResult> OnPostLockAsync(string slug, Guid postId, bool locked, CancellationToken ct) =>
        ActAsync(slug, postId, ct, async _ =>
        {
            if (!Viewer.IsTeam) return (null, "Only the team of " + Post.EntityName + " can close or open comments.", null);
            await db.Set<Post>().Where(p => p.Id == postId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CommentsLocked, locked), ct);
            Post = Post with { CommentsLocked = locked };
            return (null, null, locked ? "Comments are closed." : "Comments are open again.");
        });

    /// <summary>
    /// The shared path of every comment handler: sign-in, the post and the viewer's right to read it, then the action.
    /// htmx gets the comments section back (with the message or the refusal); a plain form is redirected to the post,
    /// anchored at the comment, or gets the page back with the refusal.
    /// </summary>
    private async Task<IActionResult> ActAsync(string slug, Guid postId, CancellationToken ct,
        Func<Guid, Task<(Guid? Anchor, string? Error, string? Notice)>> act, (string? Body, Guid? ParentId)? keepDraft = null)
    {
        if (EntityAccess.UserId(User) is not { } userId) return Challenge();
        if (await LoadAsync(slug, postId, ct) is { } missing) return missing;
        if (Read != PostRead.Full)
        {
            Comments = null;
            HtmxPages.VaryOnHtmx(Response);
            return Request.WantsFragment() ? Partial("_Locked", this) : Page();
        }
        // An id that does not parse binds as null or empty: refuse rather than post a reply as a top-level comment.
        var (anchor, error, notice) = ModelState.IsValid ? await act(userId)
            : (null, "That request carried a value that is not valid (an id or a choice); nothing was changed.", null);
        if (error is not null)
        {
            Comments = await CommentsAsync(error, null, keepDraft?.Body, keepDraft?.ParentId, ct);
            return this.PageOrPartial("_Comments", Comments);
        }
        var sort = PostComments.SortOrDefault(Request.Form["sort"]);
        var page = QueryPaging.Parse(Request.Form["cp"], 100_000) ?? 1;
        if (keepDraft is { ParentId: null }) (sort, page) = ("newest", 1);
        var url = Url.Page("/Posts/Post", null, new { slug, postId, sort = sort == "newest" ? null : sort, cp = page == 1 ? null : (int?)page },
            null, null, anchor is { } a ? $"comment-{a}" : "comments")!;
        if (!Request.WantsFragment()) return this.RedirectAfterPost(url, notice);
        HtmxPages.VaryOnHtmx(Response);
        Comments = await CommentsAsync(null, notice, null, null, ct, sort, page);
        return Partial("_Comments", Comments);
    }

    private async Task<IActionResult?> LoadAsync(string slug, Guid postId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var row = await (from p in db.Set<Post>().AsNoTracking()
                         join e in db.Set<Entity>() on p.EntityId equals e.Id
                         where p.Id == postId && e.Slug == slug
                         select new
                         {
                             p.Id, p.EntityId, e.Slug, e.Name, e.SuspendedAt, p.Title, p.PublishAt, p.Visibility, p.BodyHtml, p.ImageAssetId,
                             p.CommentsLocked, Event = db.Set<Event>().Where(v => v.Id == p.EventId && v.Phase != EventPhase.Draft)
                                 .Select(v => new { v.Title, v.Slug }).FirstOrDefault(),
                         }).SingleOrDefaultAsync(ct);
        if (row is null) return NotFound();
        Viewer = await readers.ForEntityAsync(row.EntityId, User, ct);
        if (row.SuspendedAt is not null && !Viewer.IsTeam) return NotFound();
        var gates = await readers.GatesAsync([row.Id], now, ct);
        (Read, Lock) = PostAccess.Decide(gates[row.Id], Viewer, row.Slug, row.Name);
        if (Read == PostRead.Hidden) return NotFound();
        var full = Read == PostRead.Full;
        Post = new PostView(row.Id, row.EntityId, row.Slug, row.Name, row.Title, row.PublishAt, row.Visibility,
            full ? PostMarkdown.ForPage(row.BodyHtml) : null, full ? row.ImageAssetId : null, row.Event?.Title, row.Event?.Slug, row.CommentsLocked,
            gates[row.Id].IsOut);
        return null;
    }

    private async Task<CommentsView> CommentsAsync(string? error, string? notice, string? draft, Guid? draftParent, CancellationToken ct,
        string? sort = null, int? page = null)
    {
        var source = Request.HasFormContentType ? Request.Form : null;
        sort ??= PostComments.SortOrDefault(source?["sort"].ToString() ?? Request.Query["sort"].ToString());
        page ??= QueryPaging.Parse(source is null ? Request.Query["cp"] : source["cp"], 100_000) ?? 1;
        var threads = await comments.LoadAsync(Post.Id, Post.EntityId, Viewer.UserId, sort, page.Value, ct);
        string? cannot = Viewer.UserId is null ? "Sign in to comment."
            : Post.CommentsLocked && !Viewer.IsTeam ? "Comments on this post are closed." : null;
        return new CommentsView(Post.Id, Post.EntitySlug, Post.CommentsLocked, Viewer.IsTeam, Viewer.UserId is not null, cannot, sort, threads,
            error, notice, draft is null ? null : PostRules.Clean(draft) is var d && d.Length <= PostRules.CommentMax ? d : null, draftParent);
    }
}

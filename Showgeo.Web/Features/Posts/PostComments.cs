using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Memberships;

namespace Showgeo.Web.Features.Posts;

public sealed record CommentReaction(string Kind, string Emoji, string Name, int Count, bool Mine);

/// <summary>One comment as the thread shows it. Deleted ones carry no body.</summary>
public sealed class CommentNode
{
    public required Guid Id { get; init; }
    public required Guid AuthorId { get; init; }
    public required string AuthorName { get; init; }
    public string? AuthorHandle { get; init; }
    public string? Badge { get; set; }
    public required string Body { get; init; }
    public required bool Deleted { get; init; }
    public required bool Edited { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>0 to <see cref="PostRules.MaxShownDepth"/>: how far the comment is indented.</summary>
    public int ShownDepth { get; set; }
    /// <summary>Set on replies shown flattened at the deepest indent: the name of the person replied to.</summary>
    public string? ReplyingTo { get; set; }
    public IReadOnlyList<CommentReaction> Reactions { get; set; } = [];
    public bool Mine { get; set; }
    public List<CommentNode> Replies { get; } = [];
}

public sealed record CommentThreads(IReadOnlyList<CommentNode> Threads, int TotalThreads, int Page, bool HasMore);

/// <summary>
/// Threaded comments under posts: loading a page of threads with their replies (a constant number of queries), and
/// adding, editing, deleting and reacting. Callers decide first whether the viewer may read the post; every method
/// here checks that the comment it acts on belongs to that post, and returns a message instead of writing when not.
/// </summary>
public sealed class PostComments(ShowgeoDb db, TimeProvider clock, IOptions<PostsOptions> options)
{
    public const string NotOnPost = "That comment is not on this post.";
    public const string EmptyMessage = "Write something first.";
    public static readonly string TooLongMessage = $"A comment can be up to {PostRules.CommentMax:N0} characters.";

    public static readonly IReadOnlyList<string> Sorts = ["newest", "oldest", "top"];

    public static string SortOrDefault(string? sort) => Sorts.Contains(sort) ? sort! : "newest";

    public async Task<CommentThreads> LoadAsync(Guid postId, Guid entityId, Guid? viewerId, string sort, int page, CancellationToken ct)
    {
        var top = db.Set<PostComment>().AsNoTracking().Where(c => c.PostId == postId && c.ParentId == null);
        var total = await top.CountAsync(ct);
        var ordered = sort switch
        {
            "oldest" => top.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
            "top" => top.OrderByDescending(c => c.ReactionCount).ThenByDescending(c => c.CreatedAt).ThenBy(c => c.Id),
            _ => top.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id),
        };
        var threadIds = await ordered.Skip((page - 1) * PostRules.ThreadsPerPage).Take(PostRules.ThreadsPerPage).Select(c => c.Id).ToListAsync(ct);
        if (threadIds.Count == 0) return new([], total, page, false);

        var rows = await (from c in db.Set<PostComment>().AsNoTracking()
                          join u in db.Set<AppUser>() on c.AuthorUserId equals u.Id
                          where threadIds.Contains(c.ThreadId)
                          orderby c.CreatedAt, c.Id
                          select new { c.Id, c.ParentId, c.ThreadId, c.AuthorUserId, u.DisplayName, u.Handle, c.Body, c.DeletedAt, c.EditedAt, c.CreatedAt })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToArray();
        var reactions = await db.Set<PostCommentReaction>().AsNoTracking().Where(r => ids.Contains(r.CommentId))
            .GroupBy(r => new { r.CommentId, r.Kind })
            .Select(g => new { g.Key.CommentId, g.Key.Kind, Count = g.Count(), Mine = g.Count(r => r.UserId == viewerId) > 0 })
            .ToListAsync(ct);

        var nodes = rows.ToDictionary(r => r.Id, r => new CommentNode
        {
            Id = r.Id, AuthorId = r.AuthorUserId, AuthorName = r.DisplayName ?? "Someone", AuthorHandle = r.Handle,
            Body = r.DeletedAt is null ? r.Body : "", Deleted = r.DeletedAt is not null, Edited = r.EditedAt is not null,
            CreatedAt = r.CreatedAt, Mine = viewerId == r.AuthorUserId && r.DeletedAt is null,
            Reactions = PostRules.Reactions.Select(k =>
            {
                var found = reactions.FirstOrDefault(x => x.CommentId == r.Id && x.Kind == k.Kind);
                return new CommentReaction(k.Kind, k.Emoji, k.Name, found?.Count ?? 0, found?.Mine ?? false);
            }).ToList(),
        });
        var badges = await MembershipAccess.BadgesAsync(db, entityId, rows.Select(r => r.AuthorUserId).ToList(), clock.GetUtcNow(), ct);
        foreach (var node in nodes.Values) node.Badge = badges.GetValueOrDefault(node.AuthorId);
        // Rows come oldest first, so a parent is always placed before its replies. Replies under the deepest indent go
        // into the same list as the comment they answer (beside it, in time order) and say whom they reply to.
        var lists = new Dictionary<Guid, List<CommentNode>>();
        foreach (var r in rows)
        {
            if (r.ParentId is not { } parentId || !nodes.TryGetValue(parentId, out var parent)) continue;
            var node = nodes[r.Id];
            if (parent.ShownDepth < PostRules.MaxShownDepth)
            {
                node.ShownDepth = parent.ShownDepth + 1;
                lists[node.Id] = parent.Replies;
            }
            else
            {
                node.ShownDepth = PostRules.MaxShownDepth;
                node.ReplyingTo = "@" + (parent.AuthorHandle ?? parent.AuthorName);
                lists[node.Id] = lists[parent.Id];
            }
            lists[node.Id].Add(node);
        }
        var threads = threadIds.Select(id => nodes[id]).ToList();
        return new(threads, total, page, page * PostRules.ThreadsPerPage < total);
    }

    public async Task<(Guid? Id, string? Error)> AddAsync(Guid postId, Guid userId, Guid? parentId, string? text, CancellationToken ct)
    {
        var body = PostRules.Clean(text);
        if (Invalid(body) is { } invalid) return (null, invalid);
        var now = clock.GetUtcNow();
        PostComment? parent = null;
        if (parentId is { } pid)
        {
            parent = await db.Set<PostComment>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == pid, ct);
            if (parent is null || parent.PostId != postId) return (null, NotOnPost);
            if (parent.DeletedAt is not null) return (null, "That comment was deleted; it cannot take replies.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await OverLimitAsync(userId, now, ct))
        {
            await tx.RollbackAsync(ct);
            return (null, $"You are commenting too quickly. Wait a little and try again (at most {options.Value.CommentsPerWindow} comments in {options.Value.CommentWindowSeconds} seconds).");
        }
        var id = Guid.CreateVersion7();
        db.Add(new PostComment
        {
            Id = id, PostId = postId, ParentId = parent?.Id, ThreadId = parent?.ThreadId ?? id, Depth = parent is null ? 0 : parent.Depth + 1,
            AuthorUserId = userId, Body = body, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (id, null);
    }

    public async Task<string?> EditAsync(Guid postId, Guid commentId, Guid userId, string? text, CancellationToken ct)
    {
        var body = PostRules.Clean(text);
        if (Invalid(body) is { } invalid) return invalid;
        var comment = await db.Set<PostComment>().SingleOrDefaultAsync(c => c.Id == commentId, ct);
        if (comment is null || comment.PostId != postId) return NotOnPost;
        if (comment.AuthorUserId != userId) return "You can only edit your own comments.";
        if (comment.DeletedAt is not null) return "That comment was deleted.";
        comment.Body = body;
        comment.EditedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The author deletes their own; the entity's team (<paramref name="moderator"/>) deletes any.</summary>
    public async Task<string?> DeleteAsync(Guid postId, Guid commentId, Guid userId, bool moderator, CancellationToken ct)
    {
        var comment = await db.Set<PostComment>().SingleOrDefaultAsync(c => c.Id == commentId, ct);
        if (comment is null || comment.PostId != postId) return NotOnPost;
        if (comment.AuthorUserId != userId && !moderator) return "You can only delete your own comments.";
        if (comment.DeletedAt is not null) return "That comment is already deleted.";
        comment.DeletedAt = clock.GetUtcNow();
        comment.DeletedByUserId = userId;
        comment.Body = "";
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Adds the viewer's reaction of this kind, or takes it back when they already gave it.</summary>
    public async Task<string?> ReactAsync(Guid postId, Guid commentId, Guid userId, string? kind, CancellationToken ct)
    {
        if (!PostRules.IsReaction(kind)) return "Choose one of the reactions shown.";
        var comment = await db.Set<PostComment>().AsNoTracking().Where(c => c.Id == commentId)
            .Select(c => new { c.PostId, c.DeletedAt }).SingleOrDefaultAsync(ct);
        if (comment is null || comment.PostId != postId) return NotOnPost;
        if (comment.DeletedAt is not null) return "That comment was deleted.";
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var added = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO post_comment_reactions (comment_id, user_id, kind, created_at) VALUES ({commentId}, {userId}, {kind}, {now})
            ON CONFLICT DO NOTHING
            """, ct);
        var change = added == 1 ? 1
            : -await db.Database.ExecuteSqlAsync($"DELETE FROM post_comment_reactions WHERE comment_id = {commentId} AND user_id = {userId} AND kind = {kind}", ct);
        await db.Database.ExecuteSqlAsync($"UPDATE post_comments SET reaction_count = reaction_count + {change} WHERE id = {commentId}", ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private static string? Invalid(string body) =>
        body.Length == 0 ? EmptyMessage : body.Length > PostRules.CommentMax ? TooLongMessage : null;

    /// <summary>
    /// Counts this comment in the person's current window with one atomic upsert (the row lock orders simultaneous
    /// posts), inside the caller's transaction: a refused comment rolls its count back with it.
    /// </summary>
    private async Task<bool> OverLimitAsync(Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var windowStart = now - TimeSpan.FromSeconds(options.Value.CommentWindowSeconds);
        var count = await db.Database.SqlQuery<int>($"""
            INSERT INTO post_comment_rate_limits AS r (user_id, window_started_at, count) VALUES ({userId}, {now}, 1)
            ON CONFLICT (user_id) DO UPDATE SET
                window_started_at = CASE WHEN r.window_started_at <= {windowStart} THEN {now} ELSE r.window_started_at END,
                count = CASE WHEN r.window_started_at <= {windowStart} THEN 1 ELSE r.count + 1 END
            RETURNING count AS "Value"
            """).ToListAsync(ct);
        return count[0] > options.Value.CommentsPerWindow;
    }
}

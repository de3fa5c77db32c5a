using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Posts;

/// <summary>
/// A post came out: published at once, or its scheduled time came (raised by <see cref="PostPublishJob"/> within one
/// tick). Raised once per post, in the transaction that records <see cref="Post.PublishedAt"/>. <paramref name="Teaser"/>
/// is the public opening of the body for public and followers-only posts and null for members-only ones, so nothing
/// downstream can leak a members-only body; <paramref name="Path"/> is the post page.
/// </summary>
public sealed record PostPublished(Guid PostId, Guid EntityId, string EntitySlug, string EntityName, string Title,
    string Visibility, Guid? MinTierId, string? Teaser, DateTimeOffset PublishedAt, string Path) : IDomainEvent;

public static class PostPublishing
{
    public static string PathOf(string entitySlug, Guid postId) => $"/e/{entitySlug}/posts/{postId}";

    /// <summary>
    /// Records the publication and raises <see cref="PostPublished"/> when the post is out at <paramref name="now"/> and
    /// was never announced (unpublishing and publishing again does not notify twice). Call before SaveChanges.
    /// </summary>
    public static bool RecordIfDue(ShowgeoDb db, Post post, string entitySlug, string entityName, DateTimeOffset now)
    {
        if (post.PublishedAt is not null || !post.IsOutBy(now)) return false;
        Record(db, post, entitySlug, entityName, now);
        return true;
    }

    internal static void Record(ShowgeoDb db, Post post, string entitySlug, string entityName, DateTimeOffset now)
    {
        post.PublishedAt = now;
        db.AddDomainEvent(new PostPublished(post.Id, post.EntityId, entitySlug, entityName, post.Title, post.Visibility.ToString(),
            MinTierIdOf(post), post.Visibility == PostVisibility.Members ? null : post.Excerpt, post.PublishAt ?? now,
            PathOf(entitySlug, post.Id)), now);
    }

    private static Guid? MinTierIdOf(Post post) => post.Visibility == PostVisibility.Members ? post.MembersTierId : null;
}

/// <summary>
/// Whether a post is out is computed from its publish time when it is read, so a scheduled post opens at its instant on
/// every instance; this job only records the publication and raises <see cref="PostPublished"/> for each post whose time
/// has come, once, every Posts:PublishCheckSeconds (SKIP LOCKED lets instances share a backlog without doubles).
/// </summary>
public sealed class PostPublishJob(ShowgeoDb db, TimeProvider clock, ILogger<PostPublishJob> log) : IRecurringJob
{
    public const string Name = "posts.scheduled-publish";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Set<Post>().FromSql($"""
            SELECT * FROM posts
            WHERE published_at IS NULL AND publish_at <= {now}
            ORDER BY publish_at LIMIT 200
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var entityIds = due.Select(p => p.EntityId).Distinct().ToArray();
        var entities = await db.Set<Entity>().AsNoTracking().Where(e => entityIds.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => (e.Slug, e.Name), ct);
        foreach (var p in due) PostPublishing.Record(db, p, entities[p.EntityId].Slug, entities[p.EntityId].Name, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Published {Count} scheduled posts", due.Count);
        return due.Count;
    }
}

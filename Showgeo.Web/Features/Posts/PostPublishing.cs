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
/// Records the publication and raises <see cref="PostPublished"/> for each post whose publish time has come, once, every
/// Posts:PublishCheckSeconds (being readable is the publish time, read at the instant; see <see cref="ScheduledRelease"/>).
/// </summary>
public sealed class PostPublishJob(ShowgeoDb db, TimeProvider clock, ILogger<PostPublishJob> log) : IRecurringJob
{
    public const string Name = "posts.scheduled-publish";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var count = await ScheduledRelease.RunAsync<Post>(db, $"""
            SELECT * FROM posts
            WHERE published_at IS NULL AND publish_at <= {now}
            ORDER BY publish_at LIMIT 200
            FOR UPDATE SKIP LOCKED
            """, p => p.EntityId, (p, slug, name) => PostPublishing.Record(db, p, slug, name, now), ct);
        if (count > 0) log.LogInformation("Published {Count} scheduled posts", count);
        return count;
    }
}

using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Posts;

/// <summary>An entity with its owner, for posts tests.</summary>
public sealed record ArrangedAuthor(Entity Entity, AppUser Manager);

/// <summary>Rows for posts tests: posts and comments written straight to the database; everything under test goes over HTTP.</summary>
public static class PostsArrange
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>A unique string to find in a page: present only where the body was written out.</summary>
    public static string Marker() => "marker" + Guid.NewGuid().ToString("N");

    public static async Task<ArrangedAuthor> AuthorAsync(this ShowgeoApp app)
    {
        var tag = Tag();
        var manager = await app.UserAsync($"writer-{tag}@example.com", "Writer " + tag);
        var entity = await app.EntityAsync("writer-" + tag, members: [(manager.Id, EntityRole.Owner)]);
        return new ArrangedAuthor(entity, manager);
    }

    /// <summary>A post, published a minute ago unless <paramref name="publishAt"/> says otherwise (null with <paramref name="draft"/>).</summary>
    public static async Task<Post> PostAsync(this ShowgeoApp app, Guid entityId, string? body = null, string? title = null,
        PostVisibility visibility = PostVisibility.Public, DateTimeOffset? publishAt = null, bool draft = false, bool announced = true,
        Guid? eventId = null)
    {
        var now = DateTimeOffset.UtcNow;
        body ??= "Hello from the road. " + Marker();
        var at = draft ? (DateTimeOffset?)null : publishAt ?? now.AddMinutes(-1);
        var post = new Post
        {
            Id = Guid.CreateVersion7(), EntityId = entityId, Title = title ?? "Post " + Tag(), BodyMarkdown = body,
            BodyHtml = PostMarkdown.ToHtml(body), Excerpt = PostMarkdown.Excerpt(body), Visibility = visibility, EventId = eventId,
            PublishAt = at, PublishedAt = announced && at is { } a && a <= now ? a : null, CreatedAt = now, UpdatedAt = now,
        };
        await using var db = app.CreateDb();
        db.Add(post);
        await db.SaveChangesAsync();
        return post;
    }

    public static async Task<PostComment> CommentAsync(this ShowgeoApp app, Post post, Guid authorId, string body, PostComment? parent = null,
        DateTimeOffset? at = null, int reactions = 0)
    {
        var id = Guid.CreateVersion7();
        var comment = new PostComment
        {
            Id = id, PostId = post.Id, ParentId = parent?.Id, ThreadId = parent?.ThreadId ?? id, Depth = parent is null ? 0 : parent.Depth + 1,
            AuthorUserId = authorId, Body = body, CreatedAt = at ?? DateTimeOffset.UtcNow, ReactionCount = reactions,
        };
        await using var db = app.CreateDb();
        db.Add(comment);
        await db.SaveChangesAsync();
        return comment;
    }

    public static string PageOf(Entity entity, Post post) => $"/e/{entity.Slug}/posts/{post.Id}";
}

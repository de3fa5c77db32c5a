using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Memberships;

namespace Showgeo.Web.Features.Posts;

/// <summary>Who may read a post's body (beyond the entity's team, who always read everything).</summary>
public enum PostVisibility { Public, Followers, Members }

/// <summary>
/// A creator's post. Draft while <see cref="PublishAt"/> is null; readable from <see cref="PublishAt"/> on (computed when
/// read, so a scheduled post opens at its time on every instance); <see cref="PublishedAt"/> records when
/// <see cref="PostPublished"/> was raised for it, once, by the editor or by <see cref="PostPublishJob"/>.
/// </summary>
public sealed class Post
{
    public Guid Id { get; set; }
    public Guid EntityId { get; set; }
    public Guid? AuthorUserId { get; set; }
    /// <summary>One of the entity's own events the post is about.</summary>
    public Guid? EventId { get; set; }
    public string Title { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    /// <summary>Rendered and sanitised when saved (<see cref="PostMarkdown"/>); never shown to a viewer who may not read the post.</summary>
    public string BodyHtml { get; set; } = "";
    /// <summary>The opening of the body as plain text, for readers' lists.</summary>
    public string Excerpt { get; set; } = "";
    public Guid? ImageAssetId { get; set; }
    public PostVisibility Visibility { get; set; }
    /// <summary>For <see cref="PostVisibility.Members"/>: the lowest tier whose members may read it (null if that tier is gone: nobody but the team).</summary>
    public Guid? MembersTierId { get; set; }
    public DateTimeOffset? PublishAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public bool CommentsLocked { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsOutBy(DateTimeOffset now) => PublishAt is { } at && at <= now;
}

/// <summary>
/// A comment under a post. <see cref="ThreadId"/> is the top-level comment it descends from (itself for a top-level
/// one), so a page of threads loads with their replies in one query; <see cref="Depth"/> is 0 for top-level.
/// A deleted comment keeps its row (and its replies) and shows "[deleted]".
/// </summary>
public sealed class PostComment
{
    public Guid Id { get; set; }
    public Guid PostId { get; set; }
    public Guid? ParentId { get; set; }
    public Guid ThreadId { get; set; }
    public int Depth { get; set; }
    public Guid AuthorUserId { get; set; }
    public string Body { get; set; } = "";
    public int ReactionCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public Guid? DeletedByUserId { get; set; }
}

/// <summary>One person's reaction of one kind to one comment (the primary key makes it one per person and kind).</summary>
public sealed class PostCommentReaction
{
    public Guid CommentId { get; set; }
    public Guid UserId { get; set; }
    public string Kind { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The per-person comment limit's window, in PostgreSQL so it holds across instances.</summary>
public sealed class PostCommentRateLimit
{
    public Guid UserId { get; set; }
    public DateTimeOffset WindowStartedAt { get; set; }
    public int Count { get; set; }
}

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> b)
    {
        b.ToTable("posts");
        b.HasKey(x => x.Id);
        b.Property(x => x.Title).HasMaxLength(PostRules.TitleMax);
        b.Property(x => x.BodyMarkdown).HasMaxLength(PostRules.BodyMax);
        b.Property(x => x.Excerpt).HasMaxLength(PostRules.ExcerptMax);
        b.Property(x => x.Visibility).HasConversion<string>().HasColumnType("text");
        b.HasIndex(x => new { x.EntityId, x.PublishAt });
        b.HasIndex(x => new { x.PublishedAt, x.PublishAt });
        b.HasOne<Entity>().WithMany().HasForeignKey(x => x.EntityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.AuthorUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Event>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Asset>().WithMany().HasForeignKey(x => x.ImageAssetId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<MembershipTier>().WithMany().HasForeignKey(x => x.MembersTierId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.MembersTierId);
    }
}

internal sealed class PostCommentConfiguration : IEntityTypeConfiguration<PostComment>
{
    public void Configure(EntityTypeBuilder<PostComment> b)
    {
        b.ToTable("post_comments");
        b.HasKey(x => x.Id);
        b.Property(x => x.Body).HasMaxLength(PostRules.CommentMax);
        b.HasIndex(x => new { x.PostId, x.ParentId, x.CreatedAt });
        b.HasIndex(x => x.ThreadId);
        b.HasIndex(x => x.ParentId);
        b.HasIndex(x => new { x.AuthorUserId, x.CreatedAt });
        b.HasOne<Post>().WithMany().HasForeignKey(x => x.PostId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PostComment>().WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PostComment>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.AuthorUserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PostCommentReactionConfiguration : IEntityTypeConfiguration<PostCommentReaction>
{
    public void Configure(EntityTypeBuilder<PostCommentReaction> b)
    {
        b.ToTable("post_comment_reactions");
        b.HasKey(x => new { x.CommentId, x.UserId, x.Kind });
        b.Property(x => x.Kind).HasMaxLength(16);
        b.HasIndex(x => x.UserId);
        b.HasOne<PostComment>().WithMany().HasForeignKey(x => x.CommentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PostCommentRateLimitConfiguration : IEntityTypeConfiguration<PostCommentRateLimit>
{
    public void Configure(EntityTypeBuilder<PostCommentRateLimit> b)
    {
        b.ToTable("post_comment_rate_limits");
        b.HasKey(x => x.UserId);
        b.HasOne<AppUser>().WithOne().HasForeignKey<PostCommentRateLimit>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

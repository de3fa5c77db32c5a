using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Posts;

/// <summary>A post in a list (entity page, all posts, feed). <see cref="Excerpt"/> and <see cref="ImageAssetId"/> are null when it is locked.</summary>
public sealed record PostCard(Guid Id, string EntitySlug, string EntityName, string Title, DateTimeOffset? PublishAt,
    PostVisibility Visibility, string? Excerpt, Guid? ImageAssetId, PostLock? Lock, int CommentCount)
{
    public string Path => PostPublishing.PathOf(EntitySlug, Id);
}

/// <summary>A keyset position in a newest-first list of posts: the publish time and id of the last post shown.</summary>
public readonly record struct PostCursor(DateTimeOffset At, Guid Id)
{
    public override string ToString() => $"{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{Id:N}";

    /// <summary>Null when absent; false when given but not one this app wrote.</summary>
    public static bool TryParse(string? raw, out PostCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(raw)) return true;
        var parts = raw.Split('_');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[1], "N", out var id)) return false;
        cursor = new PostCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}

public sealed record PostCardPage(IReadOnlyList<PostCard> Cards, PostCursor? Next);

/// <summary>Lists of posts for readers, newest first and keyset-paged, with the access rule applied to each card.</summary>
public sealed class PostCards(ShowgeoDb db, PostReaders readers, TimeProvider clock)
{
    /// <summary>
    /// Posts of <paramref name="query"/> that are out (the team's drafts are for the back office), newest first after
    /// <paramref name="after"/>: three queries whatever the page size (posts, viewer facts, nothing per row).
    /// </summary>
    public async Task<PostCardPage> PageAsync(IQueryable<Post> query, ClaimsPrincipal user, PostCursor? after, int size, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var q = query.Where(p => p.PublishAt != null && p.PublishAt <= now);
        if (after is { } c)
            q = q.Where(p => EF.Functions.LessThan(ValueTuple.Create(p.PublishAt!.Value, p.Id), ValueTuple.Create(c.At, c.Id)));
        var rows = await (from p in q
                          join e in db.Set<Entity>() on p.EntityId equals e.Id
                          where e.SuspendedAt == null
                          orderby p.PublishAt descending, p.Id descending
                          select new
                          {
                              p.Id, p.EntityId, e.Slug, e.Name, p.Title, p.PublishAt, p.Visibility, p.Excerpt, p.ImageAssetId,
                              Comments = db.Set<PostComment>().Count(x => x.PostId == p.Id && x.DeletedAt == null),
                          })
            .Take(size + 1).AsNoTracking().ToListAsync(ct);
        var viewers = await readers.ForEntitiesAsync(rows.Select(r => r.EntityId).ToList(), user, ct);
        var gates = await readers.GatesAsync(rows.Select(r => r.Id).ToList(), now, ct);
        var cards = rows.Take(size).Select(r =>
        {
            var (read, lockInfo) = PostAccess.Decide(gates[r.Id], viewers[r.EntityId], r.Slug, r.Name);
            var full = read == PostRead.Full;
            return new PostCard(r.Id, r.Slug, r.Name, r.Title, r.PublishAt, r.Visibility, full ? r.Excerpt : null,
                full ? r.ImageAssetId : null, lockInfo, r.Comments);
        }).ToList();
        return new(cards, rows.Count > size ? new PostCursor(rows[size - 1].PublishAt!.Value, rows[size - 1].Id) : null);
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Memberships;

namespace Showgeo.Web.Features.Posts;

/// <summary>
/// Every demo entity has three posts: a public one about its next event with a short comment thread (a reply, a reply to
/// that, reactions), one for followers, and one for members of its lowest tier. The demo fan follows Luna Waves and is
/// a Supporter there, so /me/feed reads all three of Luna's; on the other entities the fan meets the locked teasers.
/// </summary>
public static class PostsDemoData
{
    public static async Task SeedAsync(ShowgeoDb db, IReadOnlyList<Entity> entities, AppUser fan, AppUser manager,
        IReadOnlyDictionary<Guid, MembershipTier> lowestTiers, DateTimeOffset now, CancellationToken ct)
    {
        var ids = entities.Select(e => e.Id).ToArray();
        var nextEvents = (await db.Set<Event>().AsNoTracking()
                .Where(e => ids.Contains(e.EntityId) && e.StartsAt > now && e.Visibility == EventVisibility.Public)
                .Select(e => new { e.EntityId, e.Id, e.Title, e.StartsAt }).ToListAsync(ct))
            .GroupBy(e => e.EntityId).ToDictionary(g => g.Key, g => g.MinBy(e => e.StartsAt)!);
        var hours = 0;
        foreach (var entity in entities)
        {
            var next = nextEvents.GetValueOrDefault(entity.Id);
            var news = Post(entity, next is null ? $"News from {entity.Name}" : $"See you at {next.Title}",
                $"""
                 We can't wait to play for you again. **Doors open an hour early**, and the merch stand has something new.

                 - Come early for the support act
                 - Bring earplugs, it gets loud

                 Questions? Ask below, we read every comment.
                 """, PostVisibility.Public, null, next?.Id, now.AddHours(-(hours += 5)));
            var crew = Post(entity, "Behind the scenes: the rehearsal room",
                "A look at how the new set came together, for the people who follow us. _Thank you for being here._",
                PostVisibility.Followers, null, null, now.AddHours(-(hours += 7)));
            var tier = lowestTiers[entity.Id];
            var members = Post(entity, "Members: early listen to the new single",
                $"The new single, a month before anyone else. Thank you for supporting {entity.Name} as a {tier.Name}.",
                PostVisibility.Members, tier.Id, null, now.AddHours(-(hours += 3)));
            db.AddRange(news, crew, members);

            var question = Comment(news, null, fan, "Will there be a signing after the show?", now.AddHours(-hours + 1));
            var answer = Comment(news, question, manager, "Yes, at the merch stand right after the encore.", now.AddHours(-hours + 2));
            var thanks = Comment(news, answer, fan, "Brilliant, see you there!", now.AddHours(-hours + 3));
            db.AddRange(question, answer, thanks);
            db.Add(new PostCommentReaction { CommentId = answer.Id, UserId = fan.Id, Kind = "heart", CreatedAt = now });
            answer.ReactionCount = 1;
        }
        await db.SaveChangesAsync(ct);

        Post Post(Entity entity, string title, string body, PostVisibility visibility, Guid? tierId, Guid? eventId, DateTimeOffset at) => new()
        {
            Id = Guid.CreateVersion7(), EntityId = entity.Id, AuthorUserId = manager.Id, EventId = eventId, Title = title, BodyMarkdown = body,
            BodyHtml = PostMarkdown.ToHtml(body), Excerpt = PostMarkdown.Excerpt(body), Visibility = visibility, MembersTierId = tierId,
            PublishAt = at, PublishedAt = at, CreatedAt = at, UpdatedAt = at,
        };

        PostComment Comment(Post post, PostComment? parent, AppUser author, string body, DateTimeOffset at)
        {
            var id = Guid.CreateVersion7();
            return new PostComment
            {
                Id = id, PostId = post.Id, ParentId = parent?.Id, ThreadId = parent?.ThreadId ?? id, Depth = parent is null ? 0 : parent.Depth + 1,
                AuthorUserId = author.Id, Body = body, CreatedAt = at,
            };
        }
    }
}

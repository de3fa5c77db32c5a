using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Features.Memberships;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Posts;

public sealed class MembersOnlyPostsTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private sealed record Arranged(ArrangedAuthor Author, Post Post, string Marker, string CommentMarker,
        Showgeo.Web.Features.Memberships.MembershipTier Low, Showgeo.Web.Features.Memberships.MembershipTier High);

    /// <summary>A post for members of the higher of two tiers, with a comment by a member.</summary>
    private async Task<Arranged> ArrangeAsync()
    {
        var a = await app.AuthorAsync();
        var low = await app.TierAsync(a.Entity.Id, "Supporter", 1);
        var high = await app.TierAsync(a.Entity.Id, "Backstage", 2);
        var marker = PostsArrange.Marker();
        var post = await app.PostAsync(a.Entity.Id, body: $"Setlist draft. {marker}", title: "Backstage diary", visibility: PostVisibility.Members);
        await using (var db = app.CreateDb())
            await db.Set<Post>().Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MembersTierId, high.Id));
        var member = await app.UserAsync(displayName: "Member");
        await app.MemberAsync(high, member.Id);
        var commentMarker = PostsArrange.Marker();
        await app.CommentAsync(post, member.Id, commentMarker);
        return new Arranged(a, post, marker, commentMarker, low, high);
    }

    [Fact]
    public async Task Readers_below_the_tier_see_the_title_the_tier_and_a_join_link_and_never_the_body_on_any_page()
    {
        var x = await ArrangeAsync();
        var (follower, followerUser) = await app.SignedInUserAsync();
        await app.FollowAsync(followerUser.Id, x.Author.Entity.Id);
        var (lowMember, lowUser) = await app.SignedInUserAsync();
        await app.MemberAsync(x.Low, lowUser.Id);
        await app.FollowAsync(lowUser.Id, x.Author.Entity.Id);
        var (lapsed, lapsedUser) = await app.SignedInUserAsync();
        await app.MemberAsync(x.High, lapsedUser.Id, periodEnd: DateTimeOffset.UtcNow.AddHours(-1));
        using var anonymous = app.CreateClient();
        var slug = x.Author.Entity.Slug;
        var url = PostsArrange.PageOf(x.Author.Entity, x.Post);

        foreach (var client in new[] { anonymous, follower, lowMember, lapsed })
        {
            var page = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var locked = page.Document.QuerySelector("[data-testid=post-locked]")!;
            Assert.Contains("members of Backstage or above", locked.TextContent);
            Assert.Equal($"/e/{slug}#membership-tiers", locked.QuerySelector("a")!.GetAttribute("href"));
            Assert.Contains("Backstage diary", page.Text);
            foreach (var html in new[]
            {
                page.Html, (await client.GetAsync(url, htmx: true)).Html, (await client.GetAsync($"/e/{slug}")).Html,
                (await client.GetAsync($"/e/{slug}/posts")).Html, (await client.GetAsync(url + "?sort=top&cp=1")).Html,
            })
            {
                Assert.DoesNotContain(x.Marker, html);
                Assert.DoesNotContain(x.CommentMarker, html);
            }
            if (client == anonymous) continue;
            var feed = await client.GetAsync("/me/feed");
            Assert.DoesNotContain(x.Marker, feed.Html);
            // htmx comment handlers answer with the lock, never the thread, and write nothing.
            foreach (var handler in new[] { "Comment", "React", "Edit", "Delete" })
            {
                using var r = await client.PostAsync($"{url}?handler={handler}", page.Document,
                    new Dictionary<string, string> { ["body"] = "let me in", ["commentId"] = Guid.NewGuid().ToString(), ["kind"] = "heart" }, htmx: true);
                var fragment = await r.Content.ReadAsStringAsync();
                Assert.DoesNotContain(x.Marker, fragment);
                Assert.DoesNotContain(x.CommentMarker, fragment);
                Assert.Contains("post-locked", fragment);
            }
        }
        Assert.Contains("Backstage diary", (await follower.GetAsync("/me/feed")).Text);
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<PostComment>().CountAsync(c => c.PostId == x.Post.Id));
    }

    [Fact]
    public async Task Members_of_the_tier_or_above_and_the_team_read_it_and_members_carry_a_badge_in_comments()
    {
        var x = await ArrangeAsync();
        var (member, user) = await app.SignedInUserAsync();
        await app.MemberAsync(x.High, user.Id);
        await app.FollowAsync(user.Id, x.Author.Entity.Id);
        using var manager = await app.SignedInAsync(x.Author.Manager);
        var url = PostsArrange.PageOf(x.Author.Entity, x.Post);
        foreach (var client in new[] { member, manager })
        {
            var page = await client.GetAsync(url);
            Assert.Contains(x.Marker, page.Document.QuerySelector("[data-testid=post-body]")!.TextContent);
            Assert.Contains(x.CommentMarker, page.Text);
            Assert.Equal("Backstage", page.Document.QuerySelector("[data-testid=member-badge]")!.TextContent);
        }
        Assert.Contains(x.Marker, (await member.GetAsync("/me/feed")).Text);
        var mine = await member.GetAsync(url);
        using var r = await member.SubmitRawAsync(mine.Document, "#comments > form.comment-form", new Dictionary<string, string> { ["body"] = "Members chat" });
        Assert.True(r.IsRedirect());
    }

    [Fact]
    public async Task Publishing_a_members_only_post_tells_followers_its_title_and_never_its_body()
    {
        var a = await app.AuthorAsync();
        var tier = await app.TierAsync(a.Entity.Id, "Inner circle", 1);
        var follower = await app.UserAsync();
        await app.FollowAsync(follower.Id, a.Entity.Id);
        using var manager = await app.SignedInAsync(a.Manager);
        var marker = PostsArrange.Marker();
        var form = await manager.GetAsync($"/manage/{a.Entity.Slug}/posts/edit");
        using (var bad = await manager.SubmitRawAsync(form.Document, "#post-form", new Dictionary<string, string>
               {
                   ["Input.Title"] = "Members news", ["Input.Body"] = marker, ["Input.Visibility"] = "Members", ["Input.Publish"] = "Now",
               }))
            Assert.Contains("Choose the lowest tier", await bad.Content.ReadAsStringAsync());
        using (var saved = await manager.SubmitRawAsync(form.Document, "#post-form", new Dictionary<string, string>
               {
                   ["Input.Title"] = "Members news", ["Input.Body"] = marker, ["Input.Visibility"] = "Members",
                   ["Input.MembersTierId"] = tier.Id.ToString(), ["Input.Publish"] = "Now",
               }))
            Assert.True(saved.IsRedirect(), await saved.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        var post = await db.Set<Post>().SingleAsync(p => p.EntityId == a.Entity.Id);
        Assert.Equal(tier.Id, post.MembersTierId);
        var outbox = (await db.Set<OutboxMessage>().Where(m => m.Type.Contains(nameof(PostPublished))).ToListAsync())
            .Single(m => m.Payload.Contains(post.Id.ToString()));
        Assert.DoesNotContain(marker, outbox.Payload);
        var notice = await Eventually.ValueAsync(async () =>
        {
            await using var d = app.CreateDb();
            return await d.Set<Notification>().SingleOrDefaultAsync(n => n.SourceKey == $"post:{post.Id}");
        }, n => n is not null, "the NEW_POST notice");
        Assert.Contains("Members news", notice!.Title);
        Assert.DoesNotContain(marker, notice.Title + notice.Body);
        using var followerClient = await app.SignedInAsync(follower);
        var inbox = await followerClient.GetAsync("/me/notifications");
        Assert.Contains("Members news", inbox.Text);
        Assert.DoesNotContain(marker, inbox.Html);

        var other = await app.AuthorAsync();
        var foreignTier = await app.TierAsync(other.Entity.Id, "Theirs", 1);
        using var refused = await manager.SubmitRawAsync(form.Document, "#post-form", new Dictionary<string, string>
        {
            ["Input.Title"] = "Wrong tier", ["Input.Body"] = "x", ["Input.Visibility"] = "Members",
            ["Input.MembersTierId"] = foreignTier.Id.ToString(), ["Input.Publish"] = "Now",
        });
        Assert.Contains("Choose one of this entity", await refused.Content.ReadAsStringAsync());
        Assert.Equal(1, await db.Set<Post>().CountAsync(p => p.EntityId == a.Entity.Id));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Posts;

public sealed class ReadingPostsTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Stored_body_html_reaches_the_page_only_through_the_sanitiser()
    {
        // A row whose HTML did not come from today's renderer (an older policy, a hand-written fix): the page still
        // shows only what the allow-list keeps.
        var a = await app.AuthorAsync();
        var post = await app.PostAsync(a.Entity.Id, body: "kept");
        await using (var db = app.CreateDb())
            await db.Set<Post>().Where(p => p.Id == post.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.BodyHtml,
                "<p>kept <strong>bold</strong></p><script>window.x=1</script><img src=x onerror=\"window.x=2\"><a href=\"javascript:alert(1)\">link</a>"));
        using var anonymous = app.CreateClient();
        var page = await anonymous.GetAsync(PostsArrange.PageOf(a.Entity, post));
        var body = page.Document.QuerySelector("[data-testid=post-body]")!;
        Assert.Equal("bold", body.QuerySelector("strong")!.TextContent);
        Assert.Null(body.QuerySelector("script, img, [onerror]"));
        Assert.DoesNotContain("javascript:", body.InnerHtml);
    }

    [Fact]
    public async Task A_followers_only_post_shows_non_followers_its_title_and_how_to_unlock_it_and_never_its_body()
    {
        var a = await app.AuthorAsync();
        var marker = PostsArrange.Marker();
        var post = await app.PostAsync(a.Entity.Id, body: $"For the crew only. {marker}", title: "Crew notes", visibility: PostVisibility.Followers);
        var commenter = await app.UserAsync();
        var commentMarker = PostsArrange.Marker();
        await app.CommentAsync(post, commenter.Id, commentMarker);
        var (stranger, _) = await app.SignedInUserAsync();
        using var anonymous = app.CreateClient();

        foreach (var client in new[] { stranger, anonymous })
        {
            var page = await client.GetAsync(PostsArrange.PageOf(a.Entity, post));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("Crew notes", page.Text);
            Assert.Contains("for followers of", page.Document.QuerySelector("[data-testid=post-locked]")!.TextContent);
            Assert.DoesNotContain(marker, page.Html);
            Assert.DoesNotContain(commentMarker, page.Html);
            foreach (var url in new[] { $"/e/{a.Entity.Slug}", $"/e/{a.Entity.Slug}/posts" })
            {
                var list = await client.GetAsync(url);
                Assert.Contains("Crew notes", list.Text);
                Assert.DoesNotContain(marker, list.Html);
            }
        }
        // The comment handlers answer a non-reader with the lock, not the thread, and write nothing.
        var tokenPage = await stranger.GetAsync(PostsArrange.PageOf(a.Entity, post));
        using var fragment = await stranger.PostAsync(PostsArrange.PageOf(a.Entity, post) + "?handler=Comment", tokenPage.Document,
            new Dictionary<string, string> { ["body"] = "let me in" }, htmx: true);
        var html = await fragment.Content.ReadAsStringAsync();
        Assert.Contains("post-locked", html);
        Assert.DoesNotContain(marker, html);
        Assert.DoesNotContain(commentMarker, html);
        await using var db = app.CreateDb();
        Assert.DoesNotContain(db.Set<PostComment>().Where(c => c.PostId == post.Id).AsEnumerable(), c => c.Body == "let me in");

        var (follower, followerUser) = await app.SignedInUserAsync();
        await app.FollowAsync(followerUser.Id, a.Entity.Id);
        var readable = await follower.GetAsync(PostsArrange.PageOf(a.Entity, post));
        Assert.Contains(marker, readable.Document.QuerySelector("[data-testid=post-body]")!.TextContent);
        Assert.Contains(commentMarker, readable.Text);
        Assert.Contains(marker, (await follower.GetAsync("/me/feed")).Text);
    }

    [Fact]
    public async Task The_feed_lists_followed_entities_posts_newest_first_and_pages_by_keyset()
    {
        var followed = await app.AuthorAsync();
        var other = await app.AuthorAsync();
        var (fan, user) = await app.SignedInUserAsync();
        await app.FollowAsync(user.Id, followed.Entity.Id);
        var start = DateTimeOffset.UtcNow.AddHours(-30);
        var posts = new List<Post>();
        for (var i = 0; i < PostRules.FeedPageSize + 3; i++)
            posts.Add(await app.PostAsync(followed.Entity.Id, title: $"Feed post {i:D2}", publishAt: start.AddMinutes(i)));
        var notFollowed = await app.PostAsync(other.Entity.Id, title: "Someone else's news");
        var scheduled = await app.PostAsync(followed.Entity.Id, title: "Not out yet", publishAt: DateTimeOffset.UtcNow.AddDays(1));

        var first = await fan.GetAsync("/me/feed");
        var titles = first.Document.QuerySelectorAll("#feed [data-testid=post-card] h3").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(PostRules.FeedPageSize, titles.Count);
        Assert.Equal(Enumerable.Range(3, PostRules.FeedPageSize).Reverse().Select(i => $"Feed post {i:D2}"), titles);
        Assert.DoesNotContain("Someone else's news", first.Text);
        Assert.DoesNotContain("Not out yet", first.Text);

        var next = first.Document.QuerySelector("nav.pager a")!.GetAttribute("href")!;
        var second = await fan.GetAsync(next);
        var rest = second.Document.QuerySelectorAll("#feed [data-testid=post-card] h3").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["Feed post 02", "Feed post 01", "Feed post 00"], rest);
        Assert.Null(second.Document.QuerySelector("nav.pager a"));

        Assert.Equal(HttpStatusCode.BadRequest, (await fan.GetAsync("/me/feed?after=garbage")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await fan.GetAsync($"/e/{followed.Entity.Slug}/posts?after=1_nope")).Status);
        _ = (notFollowed, scheduled);
    }

    [Fact]
    public async Task The_entity_page_shows_the_newest_few_posts_with_a_link_to_all()
    {
        var a = await app.AuthorAsync();
        for (var i = 0; i < PostRules.NewestOnProfile + 2; i++)
            await app.PostAsync(a.Entity.Id, title: $"Update {i}", publishAt: DateTimeOffset.UtcNow.AddMinutes(-10 + i));
        using var fan = app.CreateClient();
        var profile = await fan.GetAsync($"/e/{a.Entity.Slug}");
        var cards = profile.Document.QuerySelectorAll("#posts [data-testid=post-card]");
        Assert.Equal(PostRules.NewestOnProfile, cards.Length);
        Assert.Contains("Update 4", cards[0].TextContent);
        Assert.NotNull(profile.Document.QuerySelector($"#posts a[href='/e/{a.Entity.Slug}/posts']"));
        var all = await fan.GetAsync($"/e/{a.Entity.Slug}/posts");
        Assert.Equal(PostRules.NewestOnProfile + 2, all.Document.QuerySelectorAll("[data-testid=post-card]").Length);
    }

    [Fact]
    public async Task Posts_of_a_suspended_entity_and_unknown_posts_are_not_found()
    {
        var a = await app.AuthorAsync();
        var post = await app.PostAsync(a.Entity.Id);
        var other = await app.AuthorAsync();
        using var fan = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{other.Entity.Slug}/posts/{post.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{a.Entity.Slug}/posts/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{a.Entity.Slug}/posts/not-a-guid")).Status);
        var suspended = await app.EntityAsync(suspended: true);
        var hidden = await app.PostAsync(suspended.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync($"/e/{suspended.Slug}/posts/{hidden.Id}")).Status);
    }
}

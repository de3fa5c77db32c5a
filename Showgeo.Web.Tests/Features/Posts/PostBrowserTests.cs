using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Tests.Features.Chat;
using Showgeo.Web.Tests.Features.Memberships;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Posts;

/// <summary>Posts in Chromium: a manager publishes, a fan comments and replies (with and without JavaScript), hostile text, locked teasers.</summary>
public sealed class PostBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static async Task PublishAsync(IPage page, string slug, string title, string body)
    {
        await page.GotoAsync($"/manage/{slug}/posts");
        await page.GetByRole(AriaRole.Link, new() { Name = "New post" }).ClickAsync();
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Body", new() { Exact = false }).FillAsync(body);
        await page.GetByLabel("Publish now").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save post" }).ClickAsync();
        await Expect(page.Locator("#manage-posts")).ToContainTextAsync(title);
    }

    private static async Task CommentAndReplyAsync(IPage page, string comment, string reply)
    {
        await page.GetByLabel("Add a comment").FillAsync(comment);
        await page.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        var top = page.Locator("[data-testid=comment-threads] > li[data-testid=comment]").Filter(new() { HasText = comment });
        await Expect(top).ToHaveCountAsync(1);
        await top.Locator("summary", new() { HasText = "Reply" }).First.ClickAsync();
        await top.GetByLabel("Your reply").First.FillAsync(reply);
        await top.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).First.ClickAsync();
        var nested = page.Locator("[data-testid=comment-threads] > li[data-testid=comment] > ol.replies > li[data-depth='1']");
        await Expect(nested).ToContainTextAsync(reply);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_manager_publishes_and_a_fan_reads_comments_and_sees_the_reply_nested(bool javaScript)
    {
        var a = await app.AuthorAsync();
        var fan = await app.UserAsync(displayName: "Finn Fan");
        var title = "Tour diary " + Guid.NewGuid().ToString("N")[..6];
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(a.Manager);
            await PublishAsync(page, a.Entity.Slug, title, "Day one: **sold out**.");
        }, javaScript);
        await using var db = app.CreateDb();
        var post = await db.Set<Post>().SingleAsync(p => p.EntityId == a.Entity.Id);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync($"/e/{a.Entity.Slug}");
            await page.Locator("#posts").GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
            await Expect(page.GetByTestId("post-body").Locator("strong")).ToHaveTextAsync("sold out");
            if (javaScript) await page.EvaluateAsync("() => window.__samePage = true");
            await CommentAndReplyAsync(page, "Wish I was there", "Me too!");
            if (javaScript)
                Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page reloaded");
            else
                Assert.Contains($"/e/{a.Entity.Slug}/posts/{post.Id}", page.Url);
        }, javaScript);
        Assert.Equal(2, await db.Set<PostComment>().CountAsync(c => c.PostId == post.Id));
    }

    [Fact]
    public async Task A_hostile_corpus_in_post_bodies_and_comments_is_shown_inert_and_never_runs()
    {
        var a = await app.AuthorAsync();
        var markdownTricks = new[]
        {
            "[click](javascript:window.__xss=20)", "[click](JAVASCRIPT:window.__xss=21)", "[data](data:text/html,<script>window.__xss=22</script>)",
            "![img](javascript:window.__xss=23)", "![img](x\" onerror=\"window.__xss=24)", "<javascript:window.__xss=25>",
            "[ref][r]\n\n[r]: javascript:window.__xss=26", "`<script>window.__xss=27</script>`", "<div onmouseover=\"window.__xss=28\">hover</div>",
        };
        var body = string.Join("\n\n", ChatBrowserTests.Corpus.Concat(markdownTricks));
        var post = await app.PostAsync(a.Entity.Id, body: body, title: "<script>window.__xss='title'</script>\u202Etitle");
        var commenter = await app.UserAsync(displayName: "<img src=x onerror=\"window.__xss='name'\">");
        var payloads = ChatBrowserTests.Corpus.Concat(markdownTricks.Take(3)).ToList();
        using (var client = await app.SignedInAsync(commenter))
        {
            // A few through the real form (under the per-person limit), the rest stored as the form would store them.
            var url = PostsArrange.PageOf(a.Entity, post);
            foreach (var payload in payloads.Take(3))
            {
                var page = await client.GetAsync(url);
                using var r = await client.PostAsync(url + "?handler=Comment", page.Document, new Dictionary<string, string> { ["body"] = payload });
                Assert.True(r.IsRedirect(), await r.Content.ReadAsStringAsync());
            }
        }
        foreach (var payload in payloads.Skip(3)) await app.CommentAsync(post, commenter.Id, PostRules.Clean(payload));
        var fan = await app.UserAsync(displayName: "Plain Reader");
        await app.FollowAsync(fan.Id, a.Entity.Id);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            var dialogs = 0;
            page.Dialog += async (_, d) => { dialogs++; await d.DismissAsync(); };
            await page.SignInAsync(fan);
            foreach (var url in new[] { PostsArrange.PageOf(a.Entity, post), $"/e/{a.Entity.Slug}", $"/e/{a.Entity.Slug}/posts", "/me/feed" })
            {
                await page.GotoAsync(url);
                Assert.Equal(0, await page.Locator("main script, main iframe, main svg, main style, main [onerror], main [onload], main [onmouseover], main [onclick]").CountAsync());
                Assert.Equal(0, await page.Locator("main a[href^='javascript' i], main a[href^='data:' i], main img[src^='javascript' i]").CountAsync());
                foreach (var link in await page.Locator(".post-body a").AllAsync())
                    Assert.Equal("nofollow ugc noopener", await link.GetAttributeAsync("rel"));
            }
            await page.GotoAsync(PostsArrange.PageOf(a.Entity, post));
            await Expect(page.Locator("[data-testid=comment-threads] > li")).ToHaveCountAsync(payloads.Count);
            foreach (var el in await page.Locator(".post-body a, .post-body div, .comment-body").AllAsync()) await el.HoverAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("<script>");
            Assert.Equal(0, dialogs);
            Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss === undefined ? null : String(window.__xss)"));
            await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Plain Reader");
        });
    }

    [Fact]
    public async Task A_fan_without_the_tier_sees_the_locked_teaser_of_a_members_only_post()
    {
        var a = await app.AuthorAsync();
        var tier = await app.TierAsync(a.Entity.Id, "Gold", 1);
        var marker = PostsArrange.Marker();
        var post = await app.PostAsync(a.Entity.Id, body: marker, title: "Gold-only soundcheck", visibility: PostVisibility.Members);
        await using (var db = app.CreateDb())
            await db.Set<Post>().Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MembersTierId, tier.Id));
        var fan = await app.UserAsync();
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync($"/e/{a.Entity.Slug}");
            await Expect(page.Locator("#posts")).ToContainTextAsync("Gold-only soundcheck");
            await page.Locator("#posts").GetByRole(AriaRole.Link, new() { Name = "Gold-only soundcheck" }).ClickAsync();
            await Expect(page.GetByTestId("post-locked")).ToContainTextAsync("members of Gold or above");
            Assert.DoesNotContain(marker, await page.ContentAsync());
            await page.GetByTestId("post-locked").GetByRole(AriaRole.Link, new() { Name = "Join Gold to read it" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/e/{a.Entity.Slug}#membership-tiers$"));
            await Expect(page.Locator("#membership-tiers")).ToContainTextAsync("Gold");
        });
    }
}

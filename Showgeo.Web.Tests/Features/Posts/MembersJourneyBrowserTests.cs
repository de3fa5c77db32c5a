using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Tests.Features.Memberships;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Posts;

/// <summary>
/// The whole members journey in Chromium, with and without JavaScript: a manager publishes a members-only post; a fan
/// sees its locked teaser, joins the tier with a test payment, reads the post, replies to a comment and sees the reply
/// nested (in place with JavaScript, after the form's redirect without).
/// </summary>
public sealed class MembersJourneyBrowserTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_fan_joins_from_a_locked_post_then_reads_it_and_replies_to_a_comment(bool javaScript)
    {
        var a = await app.AuthorAsync();
        var tier = await app.TierAsync(a.Entity.Id, "Backstage", 1, priceMinor: 400);
        var marker = PostsArrange.Marker();
        var title = "Backstage notes " + Guid.NewGuid().ToString("N")[..6];
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(a.Manager);
            await page.GotoAsync($"/manage/{a.Entity.Slug}/posts");
            await page.GetByRole(AriaRole.Link, new() { Name = "New post" }).ClickAsync();
            await page.GetByLabel("Title").FillAsync(title);
            await page.GetByLabel("Body", new() { Exact = false }).FillAsync($"The setlist, for members: {marker}");
            await page.GetByLabel("Who may read it").SelectOptionAsync("Members");
            await page.GetByLabel("Members tier", new() { Exact = false }).SelectOptionAsync(tier.Id.ToString());
            await page.GetByLabel("Publish now").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save post" }).ClickAsync();
            await Expect(page.Locator("#manage-posts")).ToContainTextAsync(title);
        }, javaScript);
        await using var db = app.CreateDb();
        var post = await db.Set<Post>().SingleAsync(p => p.EntityId == a.Entity.Id && p.Title == title);
        Assert.Equal(tier.Id, post.MembersTierId);
        var earlyMember = await app.UserAsync(displayName: "Early Member");
        await app.MemberAsync(tier, earlyMember.Id);
        await app.CommentAsync(post, earlyMember.Id, "First!");

        var fan = await app.UserAsync(displayName: "Joining Fan");
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await page.GotoAsync(PostsArrange.PageOf(a.Entity, post));
            await Expect(page.GetByTestId("post-locked")).ToContainTextAsync("members of Backstage or above");
            Assert.DoesNotContain(marker, await page.ContentAsync());

            await page.GetByTestId("post-locked").GetByRole(AriaRole.Link, new() { Name = "Join Backstage to read it" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Join Backstage" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me/memberships$"));

            await page.GotoAsync(PostsArrange.PageOf(a.Entity, post));
            await Expect(page.GetByTestId("post-body")).ToContainTextAsync(marker);
            if (javaScript) await page.EvaluateAsync("() => window.__samePage = true");
            var first = page.Locator("[data-testid=comment-threads] > li[data-testid=comment]").Filter(new() { HasText = "First!" });
            await first.Locator("summary", new() { HasText = "Reply" }).First.ClickAsync();
            await first.GetByLabel("Your reply").First.FillAsync("Glad I joined");
            await first.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).First.ClickAsync();
            var nested = page.Locator("[data-testid=comment-threads] > li[data-testid=comment] > ol.replies > li[data-depth='1']");
            await Expect(nested).ToContainTextAsync("Glad I joined");
            await Expect(nested.GetByTestId("member-badge")).ToContainTextAsync("Backstage");
            if (javaScript) Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page reloaded");
        }, javaScript);
    }
}

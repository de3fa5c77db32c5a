using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Posts;

/// <summary>The comments app: per-person limit of 3 in an hour, so the limit test never depends on the machine's speed.</summary>
public sealed class CommentsApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Posts:CommentsPerWindow"] = "3";
        settings["Posts:CommentWindowSeconds"] = "3600";
        return Task.CompletedTask;
    }
}

public sealed class CommentsTests(CommentsApp app) : IClassFixture<CommentsApp>
{


    private async Task<(Post Post, ArrangedAuthor Author)> PostAsync()
    {
        var a = await app.AuthorAsync();
        return (await app.PostAsync(a.Entity.Id), a);
    }

    private static Task<HttpResponseMessage> CommentAsync(WebClient client, Page page, string body, Guid? parentId = null, bool htmx = false) =>
        client.SubmitRawAsync(page.Document, parentId is { } p ? $"#comment-{p} details.reply form" : "#comments > form.comment-form",
            new Dictionary<string, string> { ["body"] = body }, htmx);

    private async Task<List<PostComment>> CommentsOfAsync(Guid postId)
    {
        await using var db = app.CreateDb();
        return await db.Set<PostComment>().AsNoTracking().Where(c => c.PostId == postId).OrderBy(c => c.CreatedAt).ToListAsync();
    }

    [Fact]
    public async Task A_plain_form_comment_and_reply_redirect_to_the_post_anchored_at_the_comment_and_show_nested()
    {
        var (post, a) = await PostAsync();
        var (fan, _) = await app.SignedInUserAsync(displayName: "Pat");
        var url = PostsArrange.PageOf(a.Entity, post);
        var page = await fan.GetAsync(url);
        using var posted = await CommentAsync(fan, page, "First! <script>alert(1)</script>");
        Assert.True(posted.IsRedirect());
        var top = Assert.Single(await CommentsOfAsync(post.Id));
        Assert.EndsWith($"#comment-{top.Id}", posted.Headers.Location!.OriginalString);

        page = await fan.GetAsync(url);
        Assert.Contains("Comment posted.", page.Text);
        var shown = page.Document.QuerySelector($"#comment-{top.Id} [data-testid=comment-body]")!;
        Assert.Equal("First! <script>alert(1)</script>", shown.TextContent);
        Assert.Empty(page.Document.QuerySelectorAll("#comments script"));

        using var replied = await CommentAsync(fan, page, "A reply", top.Id);
        Assert.True(replied.IsRedirect());
        page = await fan.GetAsync(url);
        var reply = page.Document.QuerySelector($"#comment-{top.Id} > ol.replies > li[data-testid=comment]");
        Assert.NotNull(reply);
        Assert.Equal("1", reply!.GetAttribute("data-depth"));
        Assert.Contains("A reply", reply.TextContent);
    }

    [Fact]
    public async Task An_htmx_reply_returns_the_comments_section_with_the_reply_nested()
    {
        var (post, a) = await PostAsync();
        var writer = await app.UserAsync(displayName: "Writer");
        var top = await app.CommentAsync(post, writer.Id, "Top comment");
        var (fan, _) = await app.SignedInUserAsync();
        var page = await fan.GetAsync(PostsArrange.PageOf(a.Entity, post));
        using var r = await CommentAsync(fan, page, "Nested via htmx", top.Id, htmx: true);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var html = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        var fragment = WebClient.Parse(html);
        Assert.NotNull(fragment.QuerySelector("section#comments"));
        Assert.Contains("Nested via htmx", fragment.QuerySelector($"#comment-{top.Id} > ol.replies")!.TextContent);
        Assert.Contains("Reply posted.", fragment.Body!.TextContent);
    }

    [Fact]
    public async Task Replies_nest_to_depth_three_and_deeper_ones_are_shown_at_three_replying_to_the_person()
    {
        var (post, a) = await PostAsync();
        var ann = await app.UserAsync(displayName: "Ann", handle: "ann" + Guid.NewGuid().ToString("N")[..6]);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        var c0 = await app.CommentAsync(post, ann.Id, "depth zero", at: t0);
        var c1 = await app.CommentAsync(post, ann.Id, "depth one", c0, t0.AddMinutes(1));
        var c2 = await app.CommentAsync(post, ann.Id, "depth two", c1, t0.AddMinutes(2));
        var c3 = await app.CommentAsync(post, ann.Id, "depth three", c2, t0.AddMinutes(3));
        var c4 = await app.CommentAsync(post, ann.Id, "depth four", c3, t0.AddMinutes(4));
        var c5 = await app.CommentAsync(post, ann.Id, "depth five", c4, t0.AddMinutes(5));
        using var visitor = app.CreateClient();
        var page = await visitor.GetAsync(PostsArrange.PageOf(a.Entity, post));
        foreach (var (c, depth) in new[] { (c0, 0), (c1, 1), (c2, 2), (c3, 3), (c4, 3), (c5, 3) })
            Assert.Equal(depth.ToString(), page.Document.QuerySelector($"#comment-{c.Id}")!.GetAttribute("data-depth"));
        // The flattened ones sit beside depth three, under depth two, in time order, saying whom they answer.
        var list = page.Document.QuerySelector($"#comment-{c2.Id} > ol.replies")!;
        Assert.Equal([c3.Id, c4.Id, c5.Id], list.Children.Select(li => Guid.Parse(li.Id!["comment-".Length..])));
        Assert.Contains($"replying to @{ann.Handle}", page.Document.QuerySelector($"#comment-{c4.Id}")!.TextContent);
        Assert.Null(page.Document.QuerySelector($"#comment-{c3.Id} .replying-to"));
    }

    [Fact]
    public async Task Deleting_a_comment_with_replies_leaves_deleted_in_its_place_and_keeps_the_replies()
    {
        var (post, a) = await PostAsync();
        var (fan, user) = await app.SignedInUserAsync();
        var other = await app.UserAsync(displayName: "Other");
        var mine = await app.CommentAsync(post, user.Id, "Soon to go " + PostsArrange.Marker());
        var reply = await app.CommentAsync(post, other.Id, "A reply that stays", mine);
        var url = PostsArrange.PageOf(a.Entity, post);
        var page = await fan.GetAsync(url);
        using var r = await fan.SubmitRawAsync(page.Document, $"#comment-{mine.Id} > .comment-actions > form[action*='handler=Delete']", htmx: true);
        var html = await r.Content.ReadAsStringAsync();
        var fragment = WebClient.Parse(html);
        Assert.Contains("[deleted]", fragment.QuerySelector($"#comment-{mine.Id}")!.TextContent);
        Assert.DoesNotContain("Soon to go", html);
        Assert.Contains("A reply that stays", fragment.QuerySelector($"#comment-{reply.Id}")!.TextContent);

        // A deleted comment takes no replies.
        var tokens = await fan.GetAsync(url);
        using var refused = await fan.PostAsync(url + "?handler=Comment", tokens.Document,
            new Dictionary<string, string> { ["body"] = "late reply", ["parentId"] = mine.Id.ToString() });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("was deleted", await refused.Content.ReadAsStringAsync());
        Assert.Equal(2, (await CommentsOfAsync(post.Id)).Count);
    }

    [Fact]
    public async Task People_edit_and_delete_only_their_own_comments_and_the_team_deletes_any()
    {
        var (post, a) = await PostAsync();
        var (fan, user) = await app.SignedInUserAsync();
        var author = await app.UserAsync(displayName: "Author");
        var theirs = await app.CommentAsync(post, author.Id, "Not yours");
        var mine = await app.CommentAsync(post, user.Id, "Typo here");
        var url = PostsArrange.PageOf(a.Entity, post);
        var page = await fan.GetAsync(url);
        Assert.Null(page.Document.QuerySelector($"#comment-{theirs.Id} form[action*='handler=Edit']"));
        Assert.Null(page.Document.QuerySelector($"#comment-{theirs.Id} form[action*='handler=Delete']"));

        using (var edited = await fan.SubmitRawAsync(page.Document, $"#comment-{mine.Id} details.edit form", new Dictionary<string, string> { ["body"] = "Fixed" }))
            Assert.True(edited.IsRedirect());
        foreach (var handler in new[] { "Edit", "Delete" })
        {
            using var r = await fan.PostAsync($"{url}?handler={handler}", page.Document,
                new Dictionary<string, string> { ["commentId"] = theirs.Id.ToString(), ["body"] = "Hijacked" });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("only", await r.Content.ReadAsStringAsync());
        }
        var rows = await CommentsOfAsync(post.Id);
        Assert.Equal("Fixed", rows.Single(c => c.Id == mine.Id).Body);
        Assert.NotNull(rows.Single(c => c.Id == mine.Id).EditedAt);
        Assert.Equal("Not yours", rows.Single(c => c.Id == theirs.Id).Body);
        Assert.Null(rows.Single(c => c.Id == theirs.Id).DeletedAt);

        using var manager = await app.SignedInAsync(a.Manager);
        var teamPage = await manager.GetAsync(url);
        using (var r = await manager.SubmitRawAsync(teamPage.Document, $"#comment-{theirs.Id} > .comment-actions > form[action*='handler=Delete']"))
            Assert.True(r.IsRedirect());
        Assert.NotNull((await CommentsOfAsync(post.Id)).Single(c => c.Id == theirs.Id).DeletedAt);
    }

    [Fact]
    public async Task Bad_comment_input_gets_a_clear_message_and_writes_nothing()
    {
        var (post, a) = await PostAsync();
        var other = await app.PostAsync(a.Entity.Id);
        var someone = await app.UserAsync();
        var foreign = await app.CommentAsync(other, someone.Id, "On another post");
        var (fan, _) = await app.SignedInUserAsync();
        var url = PostsArrange.PageOf(a.Entity, post);
        var page = await fan.GetAsync(url);
        var cases = new (Dictionary<string, string> Form, string Handler, string Message)[]
        {
            (new() { ["body"] = "" }, "Comment", PostComments.EmptyMessage),
            (new() { ["body"] = " \n\u202E " }, "Comment", PostComments.EmptyMessage),
            (new() { ["body"] = new string('a', 1024 * 1024) }, "Comment", "up to 2,000 characters"),
            (new() { ["body"] = "hi", ["parentId"] = foreign.Id.ToString() }, "Comment", PostComments.NotOnPost),
            (new() { ["body"] = "hi", ["parentId"] = Guid.NewGuid().ToString() }, "Comment", PostComments.NotOnPost),
            (new() { ["commentId"] = foreign.Id.ToString(), ["body"] = "x" }, "Edit", PostComments.NotOnPost),
            (new() { ["commentId"] = foreign.Id.ToString() }, "Delete", PostComments.NotOnPost),
            (new() { ["commentId"] = foreign.Id.ToString(), ["kind"] = "heart" }, "React", PostComments.NotOnPost),
        };
        foreach (var (form, handler, message) in cases)
        {
            foreach (var htmx in new[] { false, true })
            {
                using var r = await fan.PostAsync($"{url}?handler={handler}", page.Document, form, htmx);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Contains(message, WebClient.Parse(await r.Content.ReadAsStringAsync()).QuerySelector("[data-testid=comment-error]")?.TextContent ?? "");
            }
        }
        foreach (var garbage in new[] { "parentId", "commentId" })
        {
            using var r = await fan.PostAsync($"{url}?handler={(garbage == "parentId" ? "Comment" : "Delete")}", page.Document,
                new Dictionary<string, string> { ["body"] = "hi", [garbage] = "not-a-guid" });
            Assert.True((int)r.StatusCode < 500);
        }
        Assert.Empty(await CommentsOfAsync(post.Id));
        Assert.Single(await CommentsOfAsync(other.Id));
    }

    [Fact]
    public async Task Reactions_count_once_per_person_and_kind_and_top_orders_by_them()
    {
        var (post, a) = await PostAsync();
        var author = await app.UserAsync();
        var quiet = await app.CommentAsync(post, author.Id, "Quiet one", at: DateTimeOffset.UtcNow.AddMinutes(-1));
        var loud = await app.CommentAsync(post, author.Id, "Loud one", at: DateTimeOffset.UtcNow.AddMinutes(-2));
        var url = PostsArrange.PageOf(a.Entity, post);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var (fan, _) = await app.SignedInUserAsync();
            var page = await fan.GetAsync(url);
            using var r = await fan.SubmitRawAsync(page.Document, $"#comment-{loud.Id} form[action*='handler=React']:has(input[value=fire])", htmx: true);
            Assert.Contains("Fire (", await r.Content.ReadAsStringAsync());
        }
        var (twice, _) = await app.SignedInUserAsync();
        var p = await twice.GetAsync(url);
        using (await twice.SubmitRawAsync(p.Document, $"#comment-{quiet.Id} form[action*='handler=React']:has(input[value=heart])")) { }
        p = await twice.GetAsync(url);
        Assert.Equal("true", p.Document.QuerySelector($"#comment-{quiet.Id} form:has(input[value=heart]) button")!.GetAttribute("aria-pressed"));
        using (await twice.SubmitRawAsync(p.Document, $"#comment-{quiet.Id} form[action*='handler=React']:has(input[value=heart])")) { }

        var rows = await CommentsOfAsync(post.Id);
        Assert.Equal(2, rows.Single(c => c.Id == loud.Id).ReactionCount);
        Assert.Equal(0, rows.Single(c => c.Id == quiet.Id).ReactionCount);
        using var visitor = app.CreateClient();
        var newest = await visitor.GetAsync(url);
        Assert.Equal($"comment-{quiet.Id}", newest.Document.QuerySelector("[data-testid=comment-threads] > li")!.Id);
        var top = await visitor.GetAsync(url + "?sort=top");
        Assert.Equal($"comment-{loud.Id}", top.Document.QuerySelector("[data-testid=comment-threads] > li")!.Id);
        Assert.Contains("Fire (2)", top.Document.QuerySelector($"#comment-{loud.Id} .reaction")!.ParentElement!.ParentElement!.InnerHtml);
        var oldest = await visitor.GetAsync(url + "?sort=oldest");
        Assert.Equal($"comment-{loud.Id}", oldest.Document.QuerySelector("[data-testid=comment-threads] > li")!.Id);
    }

    [Fact]
    public async Task Long_threads_page_their_top_level_comments()
    {
        var (post, a) = await PostAsync();
        var author = await app.UserAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < PostRules.ThreadsPerPage + 2; i++) await app.CommentAsync(post, author.Id, $"Comment number {i:D2}", at: start.AddMinutes(i));
        using var visitor = app.CreateClient();
        var url = PostsArrange.PageOf(a.Entity, post);
        var first = await visitor.GetAsync(url + "?sort=oldest");
        Assert.Equal(PostRules.ThreadsPerPage, first.Document.QuerySelectorAll("[data-testid=comment-threads] > li").Length);
        var more = first.Document.QuerySelectorAll("#comments nav.pager a").Single(l => l.TextContent.Contains("More")).GetAttribute("href")!;
        var second = await visitor.GetAsync(more);
        var bodies = second.Document.QuerySelectorAll("[data-testid=comment-threads] > li [data-testid=comment-body]").Select(b => b.TextContent).ToList();
        Assert.Equal([$"Comment number {PostRules.ThreadsPerPage:D2}", $"Comment number {PostRules.ThreadsPerPage + 1:D2}"], bodies);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(url + "?cp=banana&sort=<script>")).Status);
    }

    [Fact]
    public async Task The_team_locks_a_thread_and_then_only_the_team_comments()
    {
        var (post, a) = await PostAsync();
        var (fan, _) = await app.SignedInUserAsync();
        using var manager = await app.SignedInAsync(a.Manager);
        var url = PostsArrange.PageOf(a.Entity, post);
        var tokens = await fan.GetAsync(url);
        using (var r = await fan.PostAsync(url + "?handler=Lock", tokens.Document, new Dictionary<string, string> { ["locked"] = "true" }))
            Assert.Contains("Only the team", await r.Content.ReadAsStringAsync());
        var teamPage = await manager.GetAsync(url);
        using (var r = await manager.SubmitRawAsync(teamPage.Document, "form[action*='handler=Lock']")) Assert.True(r.IsRedirect());
        await using (var db = app.CreateDb()) Assert.True((await db.Set<Post>().SingleAsync(p => p.Id == post.Id)).CommentsLocked);

        var page = await fan.GetAsync(url);
        Assert.Null(page.Document.QuerySelector("#comments > form.comment-form"));
        Assert.Contains("closed", page.Text);
        using (var r = await fan.PostAsync(url + "?handler=Comment", page.Document, new Dictionary<string, string> { ["body"] = "sneaky" }))
            Assert.Contains("closed", await r.Content.ReadAsStringAsync());
        teamPage = await manager.GetAsync(url);
        using (var r = await CommentAsync(manager, teamPage, "Team note")) Assert.True(r.IsRedirect());
        Assert.Equal(["Team note"], (await CommentsOfAsync(post.Id)).Select(c => c.Body));
    }

    [Fact]
    public async Task Commenting_needs_an_account_and_is_limited_per_person()
    {
        var (post, a) = await PostAsync();
        var url = PostsArrange.PageOf(a.Entity, post);
        using var visitor = app.CreateClient();
        var page = await visitor.GetAsync(url);
        Assert.Null(page.Document.QuerySelector("#comments > form.comment-form"));
        using (var r = await visitor.PostAsync(url + "?handler=Comment", page.Document, new Dictionary<string, string> { ["body"] = "anon" }))
            Assert.Contains("/account/login", r.Headers.Location?.OriginalString ?? "");

        var (fan, _) = await app.SignedInUserAsync();
        page = await fan.GetAsync(url);
        for (var i = 0; i < 3; i++)
            using (var r = await fan.PostAsync(url + "?handler=Comment", page.Document, new Dictionary<string, string> { ["body"] = $"c{i}" }))
                Assert.True(r.IsRedirect());
        using (var r = await fan.PostAsync(url + "?handler=Comment", page.Document, new Dictionary<string, string> { ["body"] = "one too many" }))
            Assert.Contains("too quickly", await r.Content.ReadAsStringAsync());
        Assert.Equal(3, (await CommentsOfAsync(post.Id)).Count);
    }
}

using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Posts;

public sealed class ManagePostsTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static Dictionary<string, string> Form(string title, string body, string publish = "Now", string visibility = "Public",
        string? eventId = null, string? publishAt = null)
    {
        var f = new Dictionary<string, string>
        {
            ["Input.Title"] = title, ["Input.Body"] = body, ["Input.Visibility"] = visibility, ["Input.Publish"] = publish,
        };
        if (eventId is not null) f["Input.EventId"] = eventId;
        if (publishAt is not null) f["Input.PublishAt"] = publishAt;
        return f;
    }

    private async Task<HttpResponseMessage> SubmitAsync(WebClient client, string slug, Dictionary<string, string> form)
    {
        var page = await client.GetAsync($"/manage/{slug}/posts/edit");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await client.SubmitRawAsync(page.Document, "#post-form", form);
    }

    private async Task<int> PostCountAsync(Guid entityId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Post>().CountAsync(p => p.EntityId == entityId);
    }

    [Fact]
    public async Task A_manager_publishes_a_post_that_fans_read_on_the_entity_page_and_followers_are_notified()
    {
        var a = await app.AuthorAsync();
        var follower = await app.UserAsync(displayName: "Follower");
        await app.FollowAsync(follower.Id, a.Entity.Id);
        var ev = await app.EventAsync(a.Entity.Id);
        using var manager = await app.SignedInAsync(a.Manager);
        var marker = PostsArrange.Marker();

        using var saved = await SubmitAsync(manager, a.Entity.Slug, Form("Tour announced", $"We are **on tour**. {marker}", eventId: ev.Id.ToString()));
        Assert.True(saved.IsRedirect(), await saved.Content.ReadAsStringAsync());

        await using var db = app.CreateDb();
        var post = await db.Set<Post>().SingleAsync(p => p.EntityId == a.Entity.Id);
        Assert.NotNull(post.PublishedAt);
        Assert.Equal(a.Manager.Id, post.AuthorUserId);
        Assert.Contains("<strong>on tour</strong>", post.BodyHtml);

        using var fan = app.CreateClient();
        var profile = await fan.GetAsync($"/e/{a.Entity.Slug}");
        var card = profile.Document.QuerySelector("#posts [data-testid=post-card]");
        Assert.NotNull(card);
        Assert.Contains("Tour announced", card!.TextContent);
        Assert.Contains(marker, card.TextContent);
        var page = await fan.GetAsync(PostsArrange.PageOf(a.Entity, post));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(marker, page.Document.QuerySelector("[data-testid=post-body]")!.TextContent);
        Assert.NotNull(page.Document.QuerySelector($"a[href='/events/{ev.Slug}']"));

        var events = (await db.Set<OutboxMessage>().Where(m => m.Type.Contains(nameof(PostPublished))).ToListAsync())
            .Where(m => m.Payload.Contains(post.Id.ToString())).ToList();
        Assert.Single(events);
        var notice = await Eventually.ValueAsync(async () =>
        {
            await using var d = app.CreateDb();
            return await d.Set<Notification>().SingleOrDefaultAsync(n => n.SourceKey == $"post:{post.Id}");
        }, n => n is not null, "the NEW_POST notice");
        Assert.Equal(NotificationKind.NewPost, notice!.Kind);
        Assert.Contains("Tour announced", notice.Title);
        Assert.Equal(1, notice.Reach);
        using var followerClient = await app.SignedInAsync(follower);
        var inbox = await followerClient.GetAsync("/me/notifications");
        Assert.Contains("Tour announced", inbox.Text);
    }

    [Fact]
    public async Task A_draft_is_for_the_team_only_and_editing_it_to_publish_announces_it_once()
    {
        var a = await app.AuthorAsync();
        using var manager = await app.SignedInAsync(a.Manager);
        using (var saved = await SubmitAsync(manager, a.Entity.Slug, Form("Secret plans", "Not yet " + PostsArrange.Marker(), publish: "Draft")))
            Assert.True(saved.IsRedirect());
        await using var db = app.CreateDb();
        var post = await db.Set<Post>().AsNoTracking().SingleAsync(p => p.EntityId == a.Entity.Id);
        Assert.Null(post.PublishAt);

        var (fan, _) = await app.SignedInUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync(PostsArrange.PageOf(a.Entity, post))).Status);
        Assert.DoesNotContain("Secret plans", (await fan.GetAsync($"/e/{a.Entity.Slug}/posts")).Text);
        Assert.Contains("Draft", (await manager.GetAsync(PostsArrange.PageOf(a.Entity, post))).Text);
        Assert.Contains("Secret plans", (await manager.GetAsync($"/manage/{a.Entity.Slug}/posts")).Text);

        for (var i = 0; i < 2; i++)
        {
            var edit = await manager.GetAsync($"/manage/{a.Entity.Slug}/posts/edit/{post.Id}");
            using var r = await manager.SubmitRawAsync(edit.Document, "#post-form", new Dictionary<string, string> { ["Input.Publish"] = "Now" });
            Assert.True(r.IsRedirect());
        }
        Assert.Equal(HttpStatusCode.OK, (await fan.GetAsync(PostsArrange.PageOf(a.Entity, post))).Status);
        var raised = (await db.Set<OutboxMessage>().Where(m => m.Type.Contains(nameof(PostPublished))).ToListAsync())
            .Count(m => m.Payload.Contains(post.Id.ToString()));
        Assert.Equal(1, raised);
    }

    [Fact]
    public async Task A_scheduled_post_is_hidden_until_its_time_and_the_job_announces_it_once()
    {
        var a = await app.AuthorAsync();
        using var manager = await app.SignedInAsync(a.Manager);
        var at = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm");
        using (var saved = await SubmitAsync(manager, a.Entity.Slug, Form("Coming soon", "Soon " + PostsArrange.Marker(), publish: "Schedule", publishAt: at)))
            Assert.True(saved.IsRedirect(), await saved.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        var post = await db.Set<Post>().AsNoTracking().SingleAsync(p => p.EntityId == a.Entity.Id);
        Assert.Null(post.PublishedAt);
        using var fan = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync(PostsArrange.PageOf(a.Entity, post))).Status);
        Assert.Contains("Scheduled for", (await manager.GetAsync($"/manage/{a.Entity.Slug}/posts")).Text);

        // Its time comes (moved into the past rather than waited for).
        await db.Set<Post>().Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.Equal(HttpStatusCode.OK, (await fan.GetAsync(PostsArrange.PageOf(a.Entity, post))).Status);
        await RunJobAsync();
        Assert.Equal(0, await RunJobAsync());
        Assert.NotNull((await db.Set<Post>().AsNoTracking().SingleAsync(p => p.Id == post.Id)).PublishedAt);
        var raised = (await db.Set<OutboxMessage>().Where(m => m.Type.Contains(nameof(PostPublished))).ToListAsync())
            .Count(m => m.Payload.Contains(post.Id.ToString()));
        Assert.Equal(1, raised);
    }

    [Theory]
    [InlineData("", "Write the post first")]
    [InlineData("   \n ", "Write the post first")]
    [InlineData("huge", "A post can be up to")]
    public async Task An_empty_or_huge_body_gets_the_form_back_with_a_message_and_writes_nothing(string body, string message)
    {
        var a = await app.AuthorAsync();
        using var manager = await app.SignedInAsync(a.Manager);
        if (body == "huge") body = new string('x', 1024 * 1024);
        using var r = await SubmitAsync(manager, a.Entity.Slug, Form("A title", body));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(message, await r.Content.ReadAsStringAsync());
        Assert.Equal(0, await PostCountAsync(a.Entity.Id));
    }

    [Fact]
    public async Task Another_entitys_event_is_refused_and_nothing_is_written()
    {
        var a = await app.AuthorAsync();
        var other = await app.AuthorAsync();
        var foreign = await app.EventAsync(other.Entity.Id);
        using var manager = await app.SignedInAsync(a.Manager);
        using var r = await SubmitAsync(manager, a.Entity.Slug, Form("A title", "A body", eventId: foreign.Id.ToString()));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("Choose one of this entity", await r.Content.ReadAsStringAsync());
        Assert.Equal(0, await PostCountAsync(a.Entity.Id));
    }

    [Fact]
    public async Task Another_entitys_posts_cannot_be_edited_or_deleted_and_coordinators_cannot_write()
    {
        var a = await app.AuthorAsync();
        var other = await app.AuthorAsync();
        var theirs = await app.PostAsync(other.Entity.Id);
        using var manager = await app.SignedInAsync(a.Manager);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/manage/{a.Entity.Slug}/posts/edit/{theirs.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/manage/{other.Entity.Slug}/posts")).Status);
        var list = await manager.GetAsync($"/manage/{a.Entity.Slug}/posts");
        using (var r = await manager.PostAsync($"/manage/{a.Entity.Slug}/posts?handler=Delete", list.Document,
                   new Dictionary<string, string> { ["postId"] = theirs.Id.ToString() }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("not one of this entity", await r.Content.ReadAsStringAsync());
        }
        using (var r = await manager.PostAsync($"/manage/{a.Entity.Slug}/posts?handler=Delete", list.Document,
                   new Dictionary<string, string> { ["postId"] = "not-a-guid" }))
            Assert.True((int)r.StatusCode < 500);
        Assert.Equal(1, await PostCountAsync(other.Entity.Id));

        var coordinator = await app.UserAsync();
        await app.AddMemberAsync(a.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var c = await app.SignedInAsync(coordinator);
        Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync($"/manage/{a.Entity.Slug}/posts/edit")).Status);
    }

    [Fact]
    public async Task A_manager_deletes_a_post_with_its_comments()
    {
        var a = await app.AuthorAsync();
        var post = await app.PostAsync(a.Entity.Id);
        var fan = await app.UserAsync();
        await app.CommentAsync(post, fan.Id, "Nice");
        using var manager = await app.SignedInAsync(a.Manager);
        var list = await manager.GetAsync($"/manage/{a.Entity.Slug}/posts");
        var done = await manager.SubmitAsync(list.Document, $"tr[data-post-id='{post.Id}'] form");
        Assert.Contains("Deleted", done.Text);
        await using var db = app.CreateDb();
        Assert.False(await db.Set<Post>().AnyAsync(p => p.Id == post.Id));
        Assert.False(await db.Set<PostComment>().AnyAsync(c => c.PostId == post.Id));
    }

    private Task<int> RunJobAsync() =>
        app.WithScopeAsync(sp => sp.GetRequiredService<PostPublishJob>().RunOnceAsync(CancellationToken.None));
}

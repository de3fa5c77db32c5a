using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Features.Assets;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Events;

public sealed class EventArtTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    private async Task<(WebClient Client, string Slug, Event Event)> ArrangeAsync(EntityRole role = EntityRole.Manager)
    {
        var t = Guid.NewGuid().ToString("N")[..8];
        var (client, user) = await app.SignedInUserAsync($"art-{t}@example.com", "Art Director");
        var entity = await app.EntityAsync("art-" + t, members: [(user.Id, role)]);
        var ev = await app.EventAsync(entity.Id, "art-night-" + t, "Art Night", startsAt: DateTimeOffset.UtcNow.AddDays(3), length: TimeSpan.FromHours(2));
        return (client, entity.Slug, ev);
    }

    [Fact]
    public async Task Manager_uploads_art_that_shows_on_the_event_page_and_replacing_it_deletes_the_old_file()
    {
        var (client, slug, ev) = await ArrangeAsync();
        var page = await client.GetAsync($"/manage/{slug}/events/{ev.Id}/art");
        var first = await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#event-art-form", "art", new Upload(Samples.Png, "poster.png", "image/png")));
        Assert.Contains("Event art saved", first.Text);

        await using (var db = app.CreateDb())
        {
            var artId = await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.ArtAssetId).SingleAsync();
            Assert.NotNull(artId);
            var details = await client.GetAsync($"/events/{ev.Slug}");
            Assert.NotNull(details.Document.QuerySelector($"img.event-art[src='{AssetService.UrlFor(artId!.Value)}']"));
        }
        var filesAfterFirst = app.Files().Length;

        var second = await client.FollowAsync(await client.SubmitFileAsync(first.Document, "#event-art-form", "art", new Upload(Samples.Jpeg, "poster.jpg", "image/jpeg")));
        Assert.Contains("Event art saved", second.Text);
        await using var check = app.CreateDb();
        var assets = await check.Set<Asset>().Where(a => a.EntityId == ev.EntityId).ToListAsync();
        Assert.Single(assets);
        Assert.Equal(assets[0].Id, await check.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.ArtAssetId).SingleAsync());
        Assert.Equal(filesAfterFirst, app.Files().Length);
    }

    [Fact]
    public async Task A_program_disguised_as_art_is_refused_and_nothing_is_stored()
    {
        var (client, slug, ev) = await ArrangeAsync(EntityRole.Coordinator);
        var page = await client.GetAsync($"/manage/{slug}/events/{ev.Id}/art");
        var files = app.Files().Length;
        var refused = await client.SubmitFileAsync(page.Document, "#event-art-form", "art", new Upload(Samples.Exe, "poster.jpg", "image/jpeg"), htmx: true);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html);
        Assert.Contains("errors", html);
        Assert.Equal(files, app.Files().Length);
        await using var db = app.CreateDb();
        Assert.Null(await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.ArtAssetId).SingleAsync());
        Assert.Equal(0, await db.Set<Asset>().CountAsync(a => a.EntityId == ev.EntityId));
    }

    [Fact]
    public async Task Someone_outside_the_entity_cannot_open_or_post_to_the_art_page()
    {
        var (owner, slug, ev) = await ArrangeAsync();
        var form = await owner.GetAsync($"/manage/{slug}/events/{ev.Id}/art");
        await owner.SubmitFileAsync(form.Document, "#event-art-form", "art", new Upload(Samples.Png, "poster.png", "image/png"));
        await using var before = app.CreateDb();
        var art = await before.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.ArtAssetId).SingleAsync();
        Assert.NotNull(art);

        var (stranger, _) = await app.SignedInUserAsync($"stranger-{Guid.NewGuid():N}@example.com", "Stranger");
        var strangerView = await stranger.GetAsync($"/manage/{slug}/events/{ev.Id}/art");
        Assert.Equal(HttpStatusCode.NotFound, strangerView.Status);
        Assert.Null(strangerView.Document.QuerySelector("#event-art-form"));
        var strangerPage = await stranger.GetAsync("/");
        var posted = await stranger.PostAsync($"/manage/{slug}/events/{ev.Id}/art?handler=Remove", strangerPage.Document);
        // Same refusal as every other entity management page for a non-member.
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);

        await using var after = app.CreateDb();
        Assert.Equal(art, await after.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.ArtAssetId).SingleAsync());
        Assert.Equal(1, await after.Set<Asset>().CountAsync(a => a.EntityId == ev.EntityId));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Assets;

public sealed class EntityMediaUploadTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    private async Task<(WebClient Client, Guid EntityId, string Slug)> ManagerAsync(string who)
    {
        var (client, user) = await app.SignedInUserAsync($"{who}@example.com", who);
        var entity = await app.EntityAsync($"band-{who}", members: [(user.Id, EntityRole.Owner)]);
        return (client, entity.Id, entity.Slug);
    }

    private async Task<List<Asset>> AssetsOfAsync(Guid entityId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Asset>().Where(a => a.EntityId == entityId).OrderBy(a => a.CreatedAt).ToListAsync();
    }

    private async Task<Page> UploadAsync(WebClient client, string slug, Upload file, bool isPrivate = false)
    {
        var page = await client.GetAsync($"/manage/{slug}/media");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var values = isPrivate ? new Dictionary<string, string> { ["isPrivate"] = "true" } : null;
        return await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-file", "file", file, values));
    }

    [Fact]
    public async Task Png_jpeg_mp3_and_pdf_are_accepted_stored_and_served_with_their_type()
    {
        var (client, entityId, slug) = await ManagerAsync("accept");
        var uploads = new[]
        {
            new Upload(Samples.Png, "cover.png", "image/png"),
            new Upload(Samples.Jpeg, "photo.JPG", "image/jpeg"),
            new Upload(Samples.Mp3, "single.mp3", "audio/mpeg"),
            new Upload(Samples.Pdf, "rider.pdf", "application/pdf"),
        };
        foreach (var upload in uploads)
        {
            var result = await UploadAsync(client, slug, upload);
            Assert.Contains($"\"{upload.FileName}\" was uploaded.", result.Text);
        }

        var rows = await AssetsOfAsync(entityId);
        Assert.Equal(["image/png", "image/jpeg", "audio/mpeg", "application/pdf"], rows.Select(r => r.ContentType));
        Assert.Equal([AssetKind.Image, AssetKind.Image, AssetKind.Audio, AssetKind.Document], rows.Select(r => r.Kind));
        foreach (var (row, upload) in rows.Zip(uploads))
        {
            Assert.Equal(upload.Bytes.Length, row.SizeBytes);
            using var anonymous = app.CreateClient();
            using var served = await anonymous.Http.GetAsync(AssetService.UrlFor(row.Id));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(upload.ContentType, served.Content.Headers.ContentType?.MediaType);
            Assert.Equal(upload.Bytes, await served.Content.ReadAsByteArrayAsync());
        }
        Assert.All(rows, r => Assert.True(File.Exists(Path.Combine(app.Root, r.StorageKey))));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.Root, "tmp")));
    }

    public static TheoryData<string, byte[], string, string, string> Refusals => new()
    {
        { "exe named .jpg", Samples.Exe, "holiday.jpg", "image/jpeg", "not a JPEG image (it looks like a Windows program)" },
        { "png declared as pdf", Samples.Png, "contract.pdf", "application/pdf", "not a PDF document (it looks like a PNG image)" },
        { "unknown type", Samples.Exe, "setup.exe", "application/x-msdownload", "is not accepted" },
        { "svg", Samples.Svg, "logo.svg", "image/svg+xml", "SVG images are not accepted because they can carry scripts" },
        { "name and type disagree", Samples.Png, "cover.pdf", "image/png", "does not fit a PNG image" },
        { "empty file", [], "empty.png", "image/png", "Choose a file" },
        { "oversized image", Samples.PngOfSize(AssetsApp.MaxImageBytes + 1), "huge.png", "image/png", "may be at most 4 KB" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_upload_says_why_and_leaves_no_row_and_no_file(string why, byte[] bytes, string fileName, string contentType, string message)
    {
        var (client, entityId, slug) = await ManagerAsync("refuse-" + why.Replace(' ', '-').Replace(".", ""));
        var filesBefore = app.Files();

        var result = await UploadAsync(client, slug, new Upload(bytes, fileName, contentType));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Contains(message, result.Document.QuerySelector(".errors")?.TextContent ?? "(no error shown)");
        Assert.Empty(await AssetsOfAsync(entityId));
        Assert.Equal(filesBefore, app.Files());
    }

    [Fact]
    public async Task Avatar_slot_refuses_a_pdf_and_a_spoofed_image()
    {
        var (client, entityId, slug) = await ManagerAsync("slot");
        var page = await client.GetAsync($"/manage/{slug}/media");
        var filesBefore = app.Files();

        var pdf = await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-avatar", "file", new Upload(Samples.Pdf, "a.pdf", "application/pdf")));
        Assert.Contains("A PDF document cannot be used here", pdf.Text);
        var spoof = await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-banner", "file", new Upload(Samples.Exe, "b.png", "image/png")));
        Assert.Contains("not a PNG image", spoof.Text);

        Assert.Empty(await AssetsOfAsync(entityId));
        Assert.Equal(filesBefore, app.Files());
        await using var db = app.CreateDb();
        var entity = await db.Set<Entity>().SingleAsync(e => e.Id == entityId);
        Assert.Null(entity.AvatarAssetId);
        Assert.Null(entity.BannerAssetId);
    }

    [Fact]
    public async Task Banner_upload_sets_the_reference_and_replacing_it_deletes_the_old_file()
    {
        var (client, entityId, slug) = await ManagerAsync("banner");
        var page = await client.GetAsync($"/manage/{slug}/media");
        await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-banner", "file", new Upload(Samples.Png, "one.png", "image/png")));
        var first = Assert.Single(await AssetsOfAsync(entityId));
        var firstPath = Path.Combine(app.Root, first.StorageKey);
        Assert.True(File.Exists(firstPath));

        page = await client.GetAsync($"/manage/{slug}/media");
        await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-banner", "file", new Upload(Samples.Jpeg, "two.jpg", "image/jpeg")));

        var second = Assert.Single(await AssetsOfAsync(entityId));
        Assert.NotEqual(first.Id, second.Id);
        Assert.False(File.Exists(firstPath));
        await using var db = app.CreateDb();
        Assert.Equal(second.Id, (await db.Set<Entity>().SingleAsync(e => e.Id == entityId)).BannerAssetId);
    }

    [Fact]
    public async Task Deleting_an_asset_removes_its_row_its_file_and_the_avatar_reference()
    {
        var (client, entityId, slug) = await ManagerAsync("delete");
        var page = await client.GetAsync($"/manage/{slug}/media");
        await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-avatar", "file", new Upload(Samples.Png, "me.png", "image/png")));
        var asset = Assert.Single(await AssetsOfAsync(entityId));
        var path = Path.Combine(app.Root, asset.StorageKey);
        Assert.True(File.Exists(path));

        page = await client.GetAsync($"/manage/{slug}/media");
        var deleted = await client.SubmitAsync(page.Document, $"li[data-asset-id='{asset.Id}'] form");

        Assert.Contains("\"me.png\" was deleted.", deleted.Text);
        Assert.Empty(await AssetsOfAsync(entityId));
        Assert.False(File.Exists(path));
        await using var db = app.CreateDb();
        Assert.Null((await db.Set<Entity>().SingleAsync(e => e.Id == entityId)).AvatarAssetId);
        using var gone = await client.Http.GetAsync(AssetService.UrlFor(asset.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Deleting_all_of_an_entitys_assets_removes_every_file()
    {
        var (client, entityId, slug) = await ManagerAsync("purge");
        await UploadAsync(client, slug, new Upload(Samples.Pdf, "one.pdf", "application/pdf"));
        await UploadAsync(client, slug, new Upload(Samples.Mp3, "two.mp3", "audio/mpeg"), isPrivate: true);
        var paths = (await AssetsOfAsync(entityId)).Select(a => Path.Combine(app.Root, a.StorageKey)).ToList();
        Assert.Equal(2, paths.Count(File.Exists));

        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<AssetService>().DeleteAllForEntityAsync(entityId);
            return 0;
        });

        Assert.Empty(await AssetsOfAsync(entityId));
        Assert.DoesNotContain(paths, File.Exists);
    }

    [Fact]
    public async Task Htmx_upload_returns_the_media_panel_fragment_listing_the_file()
    {
        var (client, _, slug) = await ManagerAsync("htmx");
        var page = await client.GetAsync($"/manage/{slug}/media");
        Assert.Equal("multipart/form-data", page.Document.QuerySelector("#upload-file")?.GetAttribute("hx-encoding"));

        using var response = await client.SubmitFileAsync(page.Document, "#upload-file", "file", new Upload(Samples.Pdf, "setlist.pdf", "application/pdf"), htmx: true);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html);
        var fragment = WebClient.Parse(html);
        Assert.NotNull(fragment.QuerySelector("#entity-media"));
        Assert.Contains("setlist.pdf", fragment.QuerySelector(".media-list")?.TextContent);
    }

    [Fact]
    public async Task Someone_who_is_not_a_manager_cannot_open_or_post_to_the_media_page_and_nothing_changes()
    {
        var (_, entityId, slug) = await ManagerAsync("victim");
        using var stranger = await app.SignedInAsync(await app.UserAsync("stranger@example.com", "Stranger"));
        var coordinatorUser = await app.UserAsync("coord@example.com", "Coord");
        using var coordinator = await app.SignedInAsync(coordinatorUser);
        await app.AddMemberAsync(entityId, coordinatorUser.Id, EntityRole.Coordinator);
        var filesBefore = app.Files();

        // Non-members: 404 (as for an unknown entity); members without ManageProfile: 403.
        foreach (var (client, refusal) in new[] { (stranger, HttpStatusCode.NotFound), (coordinator, HttpStatusCode.Forbidden) })
        {
            using var get = await client.Http.GetAsync($"/manage/{slug}/media");
            Assert.Equal(refusal, get.StatusCode);

            // A well-formed post with the user's own valid antiforgery token, aimed at someone else's entity.
            var own = await client.GetAsync("/me/profile");
            using var form = new MultipartFormDataContent
            {
                { new StringContent(own.Document.QuerySelector("#avatar-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
                { new StringContent("avatar"), "slot" },
            };
            var file = new ByteArrayContent(Samples.Png);
            file.Headers.ContentType = new("image/png");
            form.Add(file, "file", "x.png");
            using var post = await client.Http.PostAsync($"/manage/{slug}/media?handler=Image", form);
            Assert.Equal(refusal, post.StatusCode);
        }

        Assert.Empty(await AssetsOfAsync(entityId));
        Assert.Equal(filesBefore, app.Files());
        await using var check = app.CreateDb();
        Assert.Null((await check.Set<Entity>().SingleAsync(e => e.Id == entityId)).AvatarAssetId);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>Serving from the local disk.</summary>
public sealed class ServingTests(AssetsApp app) : ServingTestsBase<AssetsApp>(app), IClassFixture<AssetsApp>;

/// <summary>The same, from an S3 bucket.</summary>
public sealed class S3ServingTests(S3AssetsApp app) : ServingTestsBase<S3AssetsApp>(app), IClassFixture<S3AssetsApp>;

public abstract class ServingTestsBase<TApp>(TApp app) where TApp : ShowgeoApp
{
    private async Task<Guid> UploadAsync(WebClient client, string slug, Upload file, bool isPrivate)
    {
        var page = await client.GetAsync($"/manage/{slug}/media");
        var values = isPrivate ? new Dictionary<string, string> { ["isPrivate"] = "true" } : null;
        await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-file", "file", file, values));
        await using var db = app.CreateDb();
        return await db.Set<Asset>().Where(a => a.FileName == file.FileName).Select(a => a.Id).SingleAsync();
    }

    [StoreFact]
    public async Task Private_asset_is_served_to_its_owner_and_entity_managers_and_is_404_for_everyone_else()
    {
        var ownerUser = await app.UserAsync("owner@example.com", "Owner");
        using var owner = await app.SignedInAsync(ownerUser);
        var entity = await app.EntityAsync("private-band", members: [(ownerUser.Id, EntityRole.Owner)]);
        var id = await UploadAsync(owner, "private-band", new Upload(Samples.Pdf, "contract.pdf", "application/pdf"), isPrivate: true);

        var managerUser = await app.UserAsync("manager@example.com", "Manager");
        using var manager = await app.SignedInAsync(managerUser);
        await app.AddMemberAsync(entity.Id, managerUser.Id, EntityRole.Manager);
        using var other = await app.SignedInAsync(await app.UserAsync("other@example.com", "Other"));
        using var anonymous = app.CreateClient();

        using var asOwner = await owner.Http.GetAsync(AssetService.UrlFor(id));
        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
        Assert.Equal(Samples.Pdf, await asOwner.Content.ReadAsByteArrayAsync());
        Assert.True(asOwner.Headers.CacheControl is { Private: true, NoStore: true, Public: false });
        Assert.Null(asOwner.Headers.ETag);
        using var asManager = await manager.Http.GetAsync(AssetService.UrlFor(id));
        Assert.Equal(HttpStatusCode.OK, asManager.StatusCode);

        using var asOther = await other.Http.GetAsync(AssetService.UrlFor(id));
        using var asAnonymous = await anonymous.Http.GetAsync(AssetService.UrlFor(id));
        using var missing = await anonymous.Http.GetAsync(AssetService.UrlFor(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, asOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.DoesNotContain("contract.pdf", await asOther.Content.ReadAsStringAsync());
    }

    [StoreFact]
    public async Task Public_image_is_cached_forever_with_its_type_nosniff_and_an_etag_that_revalidates()
    {
        var ownerUser = await app.UserAsync("pub@example.com", "Pub");
        using var owner = await app.SignedInAsync(ownerUser);
        await app.EntityAsync("public-band", members: [(ownerUser.Id, EntityRole.Owner)]);
        var id = await UploadAsync(owner, "public-band", new Upload(Samples.Png, "poster.png", "image/png"), isPrivate: false);
        using var anonymous = app.CreateClient();

        using var response = await anonymous.Http.GetAsync(AssetService.UrlFor(id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        var etag = response.Headers.ETag!;

        using var conditional = new HttpRequestMessage(HttpMethod.Get, AssetService.UrlFor(id));
        conditional.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await anonymous.Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [StoreFact]
    public async Task Documents_download_as_attachments_and_audio_answers_range_requests()
    {
        var ownerUser = await app.UserAsync("dl@example.com", "Dl");
        using var owner = await app.SignedInAsync(ownerUser);
        await app.EntityAsync("dl-band", members: [(ownerUser.Id, EntityRole.Owner)]);
        var pdf = await UploadAsync(owner, "dl-band", new Upload(Samples.Pdf, "rider.pdf", "application/pdf"), isPrivate: false);
        var mp3 = await UploadAsync(owner, "dl-band", new Upload(Samples.Mp3, "track.mp3", "audio/mpeg"), isPrivate: false);
        using var anonymous = app.CreateClient();

        using var document = await anonymous.Http.GetAsync(AssetService.UrlFor(pdf));
        Assert.Equal("attachment", document.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("rider.pdf", document.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        using var ranged = new HttpRequestMessage(HttpMethod.Get, AssetService.UrlFor(mp3));
        ranged.Headers.Range = new(0, 2);
        using var partial = await anonymous.Http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("ID3"u8.ToArray(), await partial.Content.ReadAsByteArrayAsync());
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>The S3 store through the real AWS SDK against the S3 fake: what only a shared bucket does.</summary>
public sealed class S3AssetStoreTests(S3AssetsApp app) : IClassFixture<S3AssetsApp>
{
    private async Task<(WebClient Client, string Slug)> ManagerAsync(string who)
    {
        var (client, user) = await app.SignedInUserAsync($"{who}@example.com", who);
        var entity = await app.EntityAsync($"s3-{who}", members: [(user.Id, EntityRole.Owner)]);
        return (client, entity.Slug);
    }

    private async Task<Asset> UploadAsync(WebClient client, string slug, Upload file)
    {
        var page = await client.GetAsync($"/manage/{slug}/media");
        var done = await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-file", "file", file));
        Assert.Contains($"\"{file.FileName}\" was uploaded.", done.Text);
        await using var db = app.CreateDb();
        return await db.Set<Asset>().AsNoTracking().SingleAsync(a => a.FileName == file.FileName);
    }

    [StoreFact]
    public async Task An_upload_becomes_an_object_that_is_served_revalidated_and_removed_with_the_asset()
    {
        var (client, slug) = await ManagerAsync("lifecycle");
        var asset = await UploadAsync(client, slug, new Upload(Samples.Png, "lifecycle.png", "image/png"));

        Assert.Equal(Samples.Png, await S3Fake.ReadAsync(app.Bucket, asset.StorageKey));
        using var anonymous = app.CreateClient();
        using var served = await anonymous.Http.GetAsync(AssetService.UrlFor(asset.Id));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(Samples.Png, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Samples.Png.Length, served.Content.Headers.ContentLength);
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, AssetService.UrlFor(asset.Id)))
        {
            conditional.Headers.IfNoneMatch.Add(served.Headers.ETag!);
            using var revalidated = await anonymous.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }

        var page = await client.GetAsync($"/manage/{slug}/media");
        var deleted = await client.SubmitAsync(page.Document, $"li[data-asset-id='{asset.Id}'] form");

        Assert.Contains("\"lifecycle.png\" was deleted.", deleted.Text);
        Assert.Null(await S3Fake.ReadAsync(app.Bucket, asset.StorageKey));
        Assert.DoesNotContain(asset.StorageKey, await app.StoredAsync());
        using var gone = await anonymous.Http.GetAsync(AssetService.UrlFor(asset.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [StoreFact]
    public async Task A_range_from_the_middle_of_a_track_returns_exactly_those_bytes()
    {
        var (client, slug) = await ManagerAsync("range");
        var asset = await UploadAsync(client, slug, new Upload(Samples.Mp3, "middle.mp3", "audio/mpeg"));
        using var anonymous = app.CreateClient();

        using var ranged = new HttpRequestMessage(HttpMethod.Get, AssetService.UrlFor(asset.Id));
        ranged.Headers.Range = new(10, 13);
        using var partial = await anonymous.Http.SendAsync(ranged);

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(Samples.Mp3[10..14], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 10-13/{Samples.Mp3.Length}", partial.Content.Headers.ContentRange?.ToString());
    }

    [StoreFact]
    public async Task An_asset_whose_object_is_gone_from_the_bucket_answers_404_like_a_missing_one()
    {
        var (client, slug) = await ManagerAsync("vanished");
        var asset = await UploadAsync(client, slug, new Upload(Samples.Png, "vanished.png", "image/png"));
        await S3Fake.DeleteObjectAsync(app.Bucket, asset.StorageKey);
        using var anonymous = app.CreateClient();

        using var response = await anonymous.Http.GetAsync(AssetService.UrlFor(asset.Id));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.ETag);
        Assert.Null(response.Headers.CacheControl?.MaxAge);
    }

    [StoreFact]
    public async Task A_second_instance_on_the_same_database_and_bucket_serves_what_the_first_stored()
    {
        var ownerUser = await app.UserAsync("two-instances@example.com", "Two");
        using var first = await app.SignedInAsync(ownerUser);
        var entity = await app.EntityAsync("s3-two", members: [(ownerUser.Id, EntityRole.Owner)]);
        var poster = await UploadAsync(first, entity.Slug, new Upload(Samples.Png, "shared.png", "image/png"));
        var page = await first.GetAsync($"/manage/{entity.Slug}/media");
        await first.FollowAsync(await first.SubmitFileAsync(page.Document, "#upload-file", "file",
            new Upload(Samples.Pdf, "shared-private.pdf", "application/pdf"), new Dictionary<string, string> { ["isPrivate"] = "true" }));
        Guid privateId;
        await using (var db = app.CreateDb())
            privateId = await db.Set<Asset>().Where(a => a.FileName == "shared-private.pdf").Select(a => a.Id).SingleAsync();

        var second = new SecondInstance(app.ConnectionString, app.Bucket);
        await second.InitializeAsync();
        try
        {
            using var anonymous = second.CreateClient();
            using var served = await anonymous.Http.GetAsync(AssetService.UrlFor(poster.Id));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(Samples.Png, await served.Content.ReadAsByteArrayAsync());

            // Sign-in cookies work on every instance (Data Protection keys are in PostgreSQL); so does the access check.
            using var ownerThere = await second.SignedInAsync(ownerUser);
            using var asOwner = await ownerThere.Http.GetAsync(AssetService.UrlFor(privateId));
            Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
            Assert.Equal(Samples.Pdf, await asOwner.Content.ReadAsByteArrayAsync());
            using var asAnonymous = await anonymous.Http.GetAsync(AssetService.UrlFor(privateId));
            Assert.Equal(HttpStatusCode.NotFound, asAnonymous.StatusCode);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    /// <summary>Another web instance behind the same load balancer: same database, same bucket, no disk of its own.</summary>
    private sealed class SecondInstance(string database, string bucket) : ShowgeoApp(database)
    {
        protected override Task ConfigureAsync(IDictionary<string, string?> settings)
        {
            S3Fake.Configure(settings, bucket);
            return Task.CompletedTask;
        }
    }
}

/// <summary>What an operator sees when the storage settings are incomplete: startup stops naming the setting.</summary>
public sealed class AssetStorageSettingsTests
{
    private static S3AssetStoreOptions Complete() => new()
    {
        Bucket = "showgeo", Region = "auto", ServiceUrl = "https://account.r2.cloudflarestorage.com",
        AccessKey = "key", SecretKey = "secret",
    };

    public static TheoryData<string, string> Incomplete => new()
    {
        { "Bucket", "Assets:S3:Bucket" },
        { "AccessKey", "Assets:S3:AccessKey" },
        { "SecretKey", "Assets:S3:SecretKey" },
    };

    [Theory]
    [MemberData(nameof(Incomplete))]
    public void A_missing_s3_setting_is_named(string property, string setting)
    {
        var options = Complete();
        typeof(S3AssetStoreOptions).GetProperty(property)!.SetValue(options, "");

        var ex = Assert.Throws<RequiredSettingException>(options.Validate);

        Assert.Equal(setting, ex.Setting);
    }

    [Fact]
    public void Aws_needs_a_region_when_no_service_url_is_given()
    {
        Complete().Validate();
        var options = Complete();
        options.ServiceUrl = "";
        options.Region = "";

        Assert.Equal("Assets:S3:Region", Assert.Throws<RequiredSettingException>(options.Validate).Setting);
        options.Region = "eu-west-1";
        options.Validate();
    }

    [Fact]
    public void A_service_url_must_be_an_http_address()
    {
        var options = Complete();
        options.ServiceUrl = "r2.cloudflarestorage.com";

        var ex = Assert.Throws<RequiredSettingException>(options.Validate);

        Assert.Equal("Assets:S3:ServiceUrl", ex.Setting);
    }

    [Fact]
    public void Storage_is_disk_or_s3()
    {
        new AssetOptions { Storage = "s3" }.Validate();
        new AssetOptions().Validate();

        var ex = Assert.Throws<RequiredSettingException>(new AssetOptions { Storage = "Nfs" }.Validate);

        Assert.Equal("Assets:Storage", ex.Setting);
        Assert.Contains("Disk", ex.Message);
        Assert.Contains("S3", ex.Message);
    }

    [Fact]
    public async Task An_app_told_to_use_s3_without_a_bucket_refuses_to_start_naming_it()
    {
        var app = new S3WithoutBucketApp();

        var ex = await Record.ExceptionAsync(app.InitializeAsync);
        await app.DisposeAsync();

        while (ex is not null and not RequiredSettingException && ex.InnerException is not null) ex = ex.InnerException;
        Assert.Equal("Assets:S3:Bucket", Assert.IsType<RequiredSettingException>(ex).Setting);
    }

    private sealed class S3WithoutBucketApp : ShowgeoApp
    {
        protected override Task ConfigureAsync(IDictionary<string, string?> settings)
        {
            settings["Assets:Storage"] = "S3";
            settings["Assets:S3:ServiceUrl"] = "http://127.0.0.1:9";
            settings["Assets:S3:AccessKey"] = "key";
            settings["Assets:S3:SecretKey"] = "secret";
            return Task.CompletedTask;
        }
    }
}

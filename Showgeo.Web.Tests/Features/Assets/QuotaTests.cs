using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>
/// The app with a temporary asset store and quotas of a few KB, so filling one takes a couple of small files. Quotas
/// are counted from the asset rows, so they hold the same whichever store keeps the bytes.
/// </summary>
public abstract class QuotaAppBase(long entityQuota, long userQuota, long totalQuota, TestAssetStore store) : StoreBackedApp(store)
{
    protected override void ConfigureAssets(IDictionary<string, string?> settings)
    {
        settings["Assets:EntityQuotaBytes"] = entityQuota.ToString();
        settings["Assets:UserQuotaBytes"] = userQuota.ToString();
        settings["Assets:TotalQuotaBytes"] = totalQuota.ToString();
    }

    public async Task<(WebClient Client, Guid UserId, Guid EntityId, string Slug)> ManagerAsync(string who)
    {
        var (client, user) = await this.SignedInUserAsync($"{who}@example.com", who);
        var entity = await this.EntityAsync($"band-{who}", members: [(user.Id, EntityRole.Owner)]);
        return (client, user.Id, entity.Id, entity.Slug);
    }

    public async Task<Page> UploadAsync(WebClient client, string slug, int size, string name)
    {
        var page = await client.GetAsync($"/manage/{slug}/media");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#upload-file", "file",
            new Upload(Samples.PngOfSize(size), name, "image/png")));
    }

    public async Task<long> BytesOfEntityAsync(Guid entityId)
    {
        await using var db = CreateDb();
        return await db.Set<Asset>().Where(a => a.EntityId == entityId).SumAsync(a => (long?)a.SizeBytes) ?? 0;
    }
}

public sealed class QuotaApp() : QuotaAppBase(entityQuota: 3000, userQuota: 5000, totalQuota: 1_000_000, new DiskTestStore("showgeo-quota"));

public sealed class TotalQuotaApp() : QuotaAppBase(entityQuota: 1_000_000, userQuota: 1_000_000, totalQuota: 3000, new DiskTestStore("showgeo-quota"));

public sealed class S3QuotaApp() : QuotaAppBase(entityQuota: 3000, userQuota: 5000, totalQuota: 1_000_000, new S3TestStore()), IS3App;

public sealed class S3TotalQuotaApp() : QuotaAppBase(entityQuota: 1_000_000, userQuota: 1_000_000, totalQuota: 3000, new S3TestStore()), IS3App;

public sealed class QuotaTests(QuotaApp app) : QuotaTestsBase<QuotaApp>(app), IClassFixture<QuotaApp>;

public sealed class S3QuotaTests(S3QuotaApp app) : QuotaTestsBase<S3QuotaApp>(app), IClassFixture<S3QuotaApp>;

public abstract class QuotaTestsBase<TApp>(TApp app) where TApp : QuotaAppBase
{
    [StoreFact]
    public async Task An_upload_past_the_entity_quota_is_refused_with_a_message_and_nothing_is_stored()
    {
        var (client, _, entityId, slug) = await app.ManagerAsync("entity-quota");
        Assert.Contains("\"first.png\" was uploaded.", (await app.UploadAsync(client, slug, 2000, "first.png")).Text);
        var filesBefore = await app.StoredAsync();

        var refused = await app.UploadAsync(client, slug, 2000, "second.png");

        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Contains("would exceed the storage this page may use (2.9 KB; 2 KB used)",
            refused.Document.QuerySelector(".errors")?.TextContent ?? "(no error shown)");
        Assert.Equal(2000, await app.BytesOfEntityAsync(entityId));
        Assert.Equal(filesBefore, await app.StoredAsync());
    }

    [StoreFact]
    public async Task An_upload_past_the_uploaders_quota_is_refused_even_for_an_entity_with_room()
    {
        var (client, userId, first, firstSlug) = await app.ManagerAsync("user-quota");
        var second = await app.EntityAsync("band-user-quota-2", members: [(userId, EntityRole.Owner)]);
        Assert.Contains("was uploaded.", (await app.UploadAsync(client, firstSlug, 2500, "a.png")).Text);
        Assert.Contains("was uploaded.", (await app.UploadAsync(client, second.Slug, 2500, "b.png")).Text);
        var filesBefore = await app.StoredAsync();

        var refused = await app.UploadAsync(client, second.Slug, 100, "c.png");

        Assert.Contains("would exceed your storage allowance", refused.Document.QuerySelector(".errors")?.TextContent ?? "(no error shown)");
        Assert.Equal(2500, await app.BytesOfEntityAsync(second.Id));
        Assert.Equal(2500, await app.BytesOfEntityAsync(first));
        Assert.Equal(filesBefore, await app.StoredAsync());
    }

    [StoreFact]
    public async Task Concurrent_uploads_never_overshoot_the_entity_quota()
    {
        var (_, userId, entityId, _) = await app.ManagerAsync("race");
        var filesBefore = (await app.StoredAsync()).Length;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var assets = scope.ServiceProvider.GetRequiredService<AssetService>();
            using var content = new MemoryStream(Samples.PngOfSize(1000));
            return await assets.UploadAsync(new AssetUpload(content, 1000, $"race-{i}.png", "image/png", userId, entityId),
                AssetService.AnyKind);
        }));

        Assert.Equal(3, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains("exceed the storage this page may use", r.Error));
        Assert.Equal(3000, await app.BytesOfEntityAsync(entityId));
        Assert.Equal(filesBefore + 3, (await app.StoredAsync()).Length);
    }
}

public sealed class TotalQuotaTests(TotalQuotaApp app) : TotalQuotaTestsBase<TotalQuotaApp>(app), IClassFixture<TotalQuotaApp>;

public sealed class S3TotalQuotaTests(S3TotalQuotaApp app) : TotalQuotaTestsBase<S3TotalQuotaApp>(app), IClassFixture<S3TotalQuotaApp>;

public abstract class TotalQuotaTestsBase<TApp>(TApp app) where TApp : QuotaAppBase
{
    [StoreFact]
    public async Task When_the_store_is_full_another_accounts_upload_is_refused_and_nothing_is_stored()
    {
        var (first, _, _, firstSlug) = await app.ManagerAsync("total-a");
        var (second, _, secondEntity, secondSlug) = await app.ManagerAsync("total-b");
        Assert.Contains("was uploaded.", (await app.UploadAsync(first, firstSlug, 2000, "a.png")).Text);
        var filesBefore = await app.StoredAsync();

        var refused = await app.UploadAsync(second, secondSlug, 2000, "b.png");

        Assert.Contains("file storage is full", refused.Document.QuerySelector(".errors")?.TextContent ?? "(no error shown)");
        Assert.Equal(0, await app.BytesOfEntityAsync(secondEntity));
        Assert.Equal(filesBefore, await app.StoredAsync());
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>Shared caches may keep an asset only as long as its privacy cannot change under them (local disk).</summary>
public sealed class CacheabilityTests(AssetsApp app) : CacheabilityTestsBase<AssetsApp>(app), IClassFixture<AssetsApp>;

/// <summary>The same with the assets in an S3 bucket.</summary>
public sealed class S3CacheabilityTests(S3AssetsApp app) : CacheabilityTestsBase<S3AssetsApp>(app), IClassFixture<S3AssetsApp>;

public abstract class CacheabilityTestsBase<TApp>(TApp app) where TApp : ShowgeoApp
{
    [StoreFact]
    public async Task Avatar_makes_shared_caches_revalidate_and_once_the_profile_is_private_revalidation_gets_404()
    {
        using var owner = await app.SignedInAsync(await app.UserAsync("cached@example.com", "Cached Face"));
        var page = await owner.GetAsync("/me/profile");
        await owner.FollowAsync(await owner.SubmitFileAsync(page.Document, "#avatar-form form[enctype]", "avatar", new Upload(Samples.Png, "me.png", "image/png")));
        Guid avatarId;
        await using (var db = app.CreateDb())
            avatarId = (await db.Users.AsNoTracking().SingleAsync(u => u.Email == "cached@example.com")).AvatarAssetId!.Value;
        using var cdn = app.CreateClient();

        using var before = await cdn.Http.GetAsync(AssetService.UrlFor(avatarId));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var cache = before.Headers.CacheControl!;
        Assert.True(cache is { Public: true, NoCache: true, NoStore: false, MaxAge: null });
        Assert.DoesNotContain(cache.Extensions, e => e.Name == "immutable");
        var etag = before.Headers.ETag!;
        Assert.NotNull(etag);
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, AssetService.UrlFor(avatarId)))
        {
            conditional.Headers.IfNoneMatch.Add(etag);
            using var revalidated = await cdn.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }

        page = await owner.GetAsync("/me/profile");
        await owner.SubmitAsync(page.Document, "#profile-form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Cached Face",
            ["Input.IsPrivate"] = "true",
        });

        // The cache's revalidation with the ETag it holds now gets 404, so it drops the picture.
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, AssetService.UrlFor(avatarId)))
        {
            conditional.Headers.IfNoneMatch.Add(etag);
            using var after = await cdn.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        }
        using var asOwner = await owner.Http.GetAsync(AssetService.UrlFor(avatarId));
        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
        Assert.True(asOwner.Headers.CacheControl is { Private: true, NoStore: true, Public: false });
        Assert.Null(asOwner.Headers.ETag);
    }

    [StoreFact]
    public async Task Event_art_whose_privacy_never_changes_stays_cached_for_a_year()
    {
        var (client, user) = await app.SignedInUserAsync("art-cache@example.com", "Art Cache");
        var entity = await app.EntityAsync("art-cache", members: [(user.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, "art-cache-night", "Art Cache Night", startsAt: DateTimeOffset.UtcNow.AddDays(3), length: TimeSpan.FromHours(2));
        var page = await client.GetAsync($"/manage/art-cache/events/{ev.Id}/art");
        await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#event-art-form", "art", new Upload(Samples.Png, "poster.png", "image/png")));
        Guid artId;
        await using (var db = app.CreateDb())
            artId = (await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.ArtAssetId).SingleAsync())!.Value;
        using var anonymous = app.CreateClient();

        using var response = await anonymous.Http.GetAsync(AssetService.UrlFor(artId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache is { Public: true, NoCache: false });
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Tests.Features.Assets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.ClientAddresses;

namespace Showgeo.Web.Tests.Features.Users;

public sealed class AvatarUploadRateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    private const string AvatarForm = "#avatar-form form[enctype]";

    [Fact]
    public async Task Uploads_beyond_the_per_user_limit_get_429_and_store_nothing_while_other_forms_and_users_go_on()
    {
        var (client, user) = await app.SignedInUserAsync();
        for (var n = 0; n < RateLimitedApp.UploadPerUser; n++)
        {
            var page = await client.GetAsync("/me/profile");
            var uploaded = await client.FollowAsync(await client.SubmitFileAsync(page.Document, AvatarForm, "avatar", new Upload(Samples.Png, "a.png", "image/png")));
            Assert.Contains("Your picture was updated.", uploaded.Text);
        }
        var stored = await AssetIdsAsync(user.Id);

        var form = await client.GetAsync("/me/profile");
        await AssertTooManyAsync(await client.SubmitFileAsync(form.Document, AvatarForm, "avatar", new Upload(Samples.Png, "b.png", "image/png")));
        await AssertTooManyAsync(await client.SubmitFileAsync(form.Document, AvatarForm, "avatar", new Upload(Samples.Png, "c.png", "image/png"), htmx: true), fragment: true);
        Assert.Equal(stored, await AssetIdsAsync(user.Id));

        // Forms without a file on the same page are not uploads.
        var removed = await client.SubmitAsync(form.Document, "#avatar-form form[action*='handler=RemoveAvatar']");
        Assert.Equal(System.Net.HttpStatusCode.OK, removed.Status);
        await using (var db = app.CreateDb())
            Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id)).AvatarAssetId);

        var (other, _) = await app.SignedInUserAsync();
        var otherPage = await other.GetAsync("/me/profile");
        var otherUpload = await other.FollowAsync(await other.SubmitFileAsync(otherPage.Document, AvatarForm, "avatar", new Upload(Samples.Png, "o.png", "image/png")));
        Assert.Contains("Your picture was updated.", otherUpload.Text);
    }

    private async Task<List<Guid>> AssetIdsAsync(Guid userId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Asset>().Where(a => a.OwnerUserId == userId).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Assets;

public sealed class RequestLimitTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    [Fact]
    public async Task A_body_beyond_the_upload_pages_limit_is_refused_with_413_and_nothing_is_stored()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("big@example.com", "Big"));
        var page = await client.GetAsync("/me/profile");
        var filesBefore = app.Files();

        // The profile page takes images only: its body limit is the image limit plus 1 MB for the other fields.
        using var response = await client.SubmitFileAsync(page.Document, "#avatar-form form[enctype]", "avatar",
            new Upload(Samples.PngOfSize(AssetsApp.MaxImageBytes + 2 * 1024 * 1024), "big.png", "image/png"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("may be at most 4 KB", await response.Content.ReadAsStringAsync());
        Assert.Equal(filesBefore, app.Files());
        await using var db = app.CreateDb();
        Assert.Empty(await db.Set<Asset>().ToListAsync());
    }
}

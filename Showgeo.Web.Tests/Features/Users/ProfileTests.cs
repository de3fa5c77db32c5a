using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Tests.Features.Assets;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Users;

public sealed class ProfileTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    private static async Task<Page> SaveProfileAsync(WebClient client, Dictionary<string, string> values, bool htmx = false)
    {
        var page = await client.GetAsync("/me/profile");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await client.SubmitAsync(page.Document, "#profile-form", values, htmx);
    }

    private async Task<AppUser> SavedUserAsync(string email)
    {
        await using var db = app.CreateDb();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    [Fact]
    public async Task Saved_profile_stores_a_lower_case_handle_and_shows_on_the_public_page()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("ada@example.com", "Ada"));
        var saved = await SaveProfileAsync(client, new()
        {
            ["Input.DisplayName"] = "Ada Lovelace",
            ["Input.Handle"] = "@Ada_Rocks",
            ["Input.Bio"] = "Plays the analytical engine.",
            ["Input.City"] = "London",
            ["Input.Country"] = "gb",
        });
        Assert.Contains("Your profile was saved.", saved.Text);

        var user = await SavedUserAsync("ada@example.com");
        Assert.Equal(("Ada Lovelace", "ada_rocks", "London", "GB"), (user.DisplayName, user.Handle, user.City, user.Country));

        using var anonymous = app.CreateClient();
        var profile = await anonymous.GetAsync("/u/ADA_rocks");
        Assert.Equal(HttpStatusCode.OK, profile.Status);
        Assert.Equal("Ada Lovelace", profile.Document.QuerySelector("[data-testid=profile-name]")?.TextContent);
        Assert.Equal("Plays the analytical engine.", profile.Document.QuerySelector("[data-testid=profile-bio]")?.TextContent);
        Assert.Equal("London, GB", profile.Document.QuerySelector("[data-testid=profile-place]")?.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync("/u/nobody_here")).StatusCode);
    }

    [Fact]
    public async Task A_handle_taken_in_any_letter_case_is_refused_and_nothing_is_saved()
    {
        using var first = await app.SignedInAsync(await app.UserAsync("first@example.com", "First"));
        await SaveProfileAsync(first, new() { ["Input.DisplayName"] = "First", ["Input.Handle"] = "rockfan" });
        using var second = await app.SignedInAsync(await app.UserAsync("second@example.com", "Second"));

        var refused = await SaveProfileAsync(second, new() { ["Input.DisplayName"] = "Renamed", ["Input.Handle"] = "RockFan", ["Input.Bio"] = "new bio" });

        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Contains("The handle \"rockfan\" is already taken", refused.Document.QuerySelector(".errors")?.TextContent);
        var user = await SavedUserAsync("second@example.com");
        Assert.Equal(("Second", null, ""), (user.DisplayName, user.Handle, user.Bio));
        Assert.Equal("rockfan", (await SavedUserAsync("first@example.com")).Handle);
    }

    [Theory]
    [InlineData("admin", "", "is reserved")]
    [InlineData("ab", "", "3 to 30 characters")]
    [InlineData("no-dashes", "", "3 to 30 characters")]
    [InlineData("fine_handle", "XX", "'XX' is not a two-letter ISO country code")]
    public async Task Invalid_handle_or_country_is_refused_with_a_reason(string handle, string country, string message)
    {
        var email = $"bad{handle}{country}@example.com".Replace("-", "");
        using var client = await app.SignedInAsync(await app.UserAsync(email, "Bad"));
        var refused = await SaveProfileAsync(client, new() { ["Input.DisplayName"] = "Changed", ["Input.Handle"] = handle, ["Input.Country"] = country });

        Assert.Contains(message, refused.Document.QuerySelector(".errors")?.TextContent);
        var user = await SavedUserAsync(email);
        Assert.Equal(("Bad", null, null), (user.DisplayName, user.Handle, user.Country));
    }

    [Fact]
    public async Task Private_profile_shows_only_the_name_to_others_and_hides_the_avatar()
    {
        using var owner = await app.SignedInAsync(await app.UserAsync("shy@example.com", "Shy Person"));
        var page = await owner.GetAsync("/me/profile");
        await owner.FollowAsync(await owner.SubmitFileAsync(page.Document, "#avatar-form form[enctype]", "avatar", new Upload(Samples.Png, "me.png", "image/png")));
        await SaveProfileAsync(owner, new()
        {
            ["Input.DisplayName"] = "Shy Person",
            ["Input.Handle"] = "shy",
            ["Input.Bio"] = "secret bio",
            ["Input.City"] = "Hidden Town",
            ["Input.Country"] = "FR",
            ["Input.IsPrivate"] = "true",
        });
        var avatarId = (await SavedUserAsync("shy@example.com")).AvatarAssetId!.Value;

        using var other = await app.SignedInAsync(await app.UserAsync("curious@example.com", "Curious"));
        using var anonymous = app.CreateClient();
        foreach (var viewer in new[] { other, anonymous })
        {
            var seen = await viewer.GetAsync("/u/shy");
            Assert.Equal(HttpStatusCode.OK, seen.Status);
            Assert.Equal("Shy Person", seen.Document.QuerySelector("[data-testid=profile-name]")?.TextContent);
            Assert.NotNull(seen.Document.QuerySelector("[data-testid=profile-private]"));
            Assert.DoesNotContain("secret bio", seen.Html);
            Assert.DoesNotContain("Hidden Town", seen.Html);
            Assert.DoesNotContain(avatarId.ToString(), seen.Html);
            Assert.Equal(HttpStatusCode.NotFound, (await viewer.Http.GetAsync(AssetService.UrlFor(avatarId))).StatusCode);
        }

        var own = await owner.GetAsync("/u/shy");
        Assert.Contains("secret bio", own.Text);
        Assert.NotNull(own.Document.QuerySelector($"img[src='{AssetService.UrlFor(avatarId)}']"));
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync(AssetService.UrlFor(avatarId))).StatusCode);
    }

    [Fact]
    public async Task Avatar_upload_accepts_a_jpeg_replaces_the_old_file_and_refuses_a_disguised_program()
    {
        var pic = await app.UserAsync("pic@example.com", "Pic");
        using var client = await app.SignedInAsync(pic);
        var page = await client.GetAsync("/me/profile");
        await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#avatar-form form[enctype]", "avatar", new Upload(Samples.Png, "a.png", "image/png")));
        var firstId = (await SavedUserAsync("pic@example.com")).AvatarAssetId!.Value;
        await using (var db = app.CreateDb())
        {
            var first = await db.Set<Asset>().SingleAsync(a => a.Id == firstId);
            Assert.True(File.Exists(Path.Combine(app.Root, first.StorageKey)));
        }

        page = await client.GetAsync("/me/profile");
        var replaced = await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#avatar-form form[enctype]", "avatar", new Upload(Samples.Jpeg, "b.jpg", "image/jpeg")));
        Assert.Contains("Your picture was updated.", replaced.Text);
        var secondId = (await SavedUserAsync("pic@example.com")).AvatarAssetId!.Value;
        Assert.NotEqual(firstId, secondId);

        var filesBefore = app.Files();
        page = await client.GetAsync("/me/profile");
        var refused = await client.FollowAsync(await client.SubmitFileAsync(page.Document, "#avatar-form form[enctype]", "avatar", new Upload(Samples.Exe, "virus.jpg", "image/jpeg")));

        Assert.Contains("not a JPEG image", refused.Document.QuerySelector(".errors")?.TextContent);
        Assert.Equal(secondId, (await SavedUserAsync("pic@example.com")).AvatarAssetId);
        Assert.Equal(filesBefore, app.Files());
        await using var check = app.CreateDb();
        Assert.Equal([secondId], await check.Set<Asset>().Where(a => a.OwnerUserId == pic.Id).Select(a => a.Id).ToListAsync());
    }

    [Fact]
    public async Task Htmx_save_returns_the_profile_form_fragment()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("hx@example.com", "Hx"));
        var page = await client.GetAsync("/me/profile");
        using var response = await client.SubmitRawAsync(page.Document, "#profile-form",
            new Dictionary<string, string> { ["Input.DisplayName"] = "Hx Two", ["Input.Handle"] = "hx_two" }, htmx: true);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html);
        Assert.Contains("Your profile was saved.", WebClient.Parse(html).QuerySelector("#profile-form")?.TextContent);
    }
}

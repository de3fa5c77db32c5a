using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Events;

/// <summary>
/// Every form with a country field checks it against the one ISO list: XX (a user-assigned code that CDNs send for
/// "unknown") is refused with the same message, and nothing is written.
/// </summary>
public sealed class CountryRuleTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private const string Refusal = "'XX' is not a two-letter ISO country code";

    public static TheoryData<string> Forms => ["profile", "new entity", "entity profile", "new event", "event editor"];

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Xx_is_refused_with_a_clear_message_and_nothing_is_written(string form)
    {
        var email = $"xx-{form.Replace(' ', '-')}@example.com";
        var user = await app.UserAsync(email, "Country Tester");
        var entitySlug = "xx-" + form.Replace(' ', '-');
        var entity = await app.EntityAsync(entitySlug, members: [(user.Id, EntityRole.Owner)]);
        var eventId = (await app.EventAsync(entity.Id, entitySlug + "-show", startsAt: new DateTimeOffset(2030, 5, 1, 19, 0, 0, TimeSpan.Zero), city: "Leeds")).Id;
        using var client = await app.SignedInAsync(user);
        var before = await SnapshotAsync();

        var refused = form switch
        {
            "profile" => await SubmitAsync(client, "/me/profile", "#profile-form", new() { ["Input.DisplayName"] = "Changed Name" }),
            "new entity" => await SubmitAsync(client, "/manage", "#create-entity-form", new() { ["Input.Name"] = "Nowhere Band" }),
            "entity profile" => await SubmitAsync(client, $"/manage/{entitySlug}/edit", "#edit-profile-form", new() { ["Input.Name"] = "Renamed" }),
            "new event" => await SubmitAsync(client, $"/manage/{entitySlug}/events/new", "#event-form", NewEvent()),
            _ => await SubmitAsync(client, $"/manage/{entitySlug}/events/{eventId}/edit", "#event-form", new() { ["Input.Title"] = "Renamed show", ["Input.VenueName"] = "The Hall" }),
        };

        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Contains(Refusal, refused.Document.QuerySelector(".errors")?.TextContent);
        Assert.Equal(before, await SnapshotAsync());
    }

    private static async Task<Page> SubmitAsync(WebClient client, string url, string formSelector, Dictionary<string, string> values)
    {
        var page = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        values["Input.Country"] = "xx";
        return await client.SubmitAsync(page.Document, formSelector, values);
    }

    private static Dictionary<string, string> NewEvent() => new()
    {
        ["Input.Title"] = "Nowhere Night",
        ["Input.TimeZone"] = "UTC",
        ["Input.StartsLocal"] = "2030-06-01T19:00",
        ["Input.EndsLocal"] = "2030-06-01T22:00",
        ["Input.VenueName"] = "The Void",
        ["Input.City"] = "Atlantis",
    };

    /// <summary>Every row the five forms could write, as one comparable string.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var db = app.CreateDb();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => $"{u.Id}|{u.DisplayName}|{u.Country}").ToListAsync();
        var events = await db.Set<Event>().AsNoTracking().OrderBy(e => e.Id).Select(e => $"{e.Id}|{e.Title}|{e.Country}").ToListAsync();
        return await app.EntitySnapshotAsync() + "\n" + string.Join("\n", users.Concat(events));
    }
}

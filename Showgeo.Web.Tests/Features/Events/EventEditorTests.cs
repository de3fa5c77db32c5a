using HttpStatusCode = System.Net.HttpStatusCode;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Events.EventPages;

namespace Showgeo.Web.Tests.Features.Events;

public sealed class EventEditorTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static Dictionary<string, string> ValidInput(string slug) => new()
    {
        ["Input.Title"] = "Summer Night",
        ["Input.Slug"] = slug,
        ["Input.Description"] = "Open air.",
        ["Input.TimeZone"] = "Europe/London",
        ["Input.StartsLocal"] = "2030-07-01T19:30",
        ["Input.EndsLocal"] = "2030-07-01T23:00",
        ["Input.VenueName"] = "Roundhay Park",
        ["Input.City"] = "Leeds",
        ["Input.Country"] = "gb",
        ["Input.Latitude"] = "53.83",
        ["Input.Longitude"] = "-1.49",
        ["Input.Genres"] = " Indie ,  Dream   Pop, indie,,",
        ["Input.AllowedCountries"] = "gb, ie",
        ["Input.Visibility"] = "Unlisted",
    };

    [Fact]
    public async Task Manager_creates_a_draft_with_local_times_stored_as_utc_and_lists_normalised()
    {
        var (client, manager) = await app.SignedInUserAsync(displayName: "Mia Manager");
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Manager)]);
        var tour = (await app.TourAsync(entity.Id, name: "Summer Tour")).Id;
        var slug = "summer-" + Guid.NewGuid().ToString("N")[..8];

        var list = await client.GetAsync($"/manage/{entity.Slug}/events");
        var form = await client.GetAsync(list.Document.QuerySelector("a[href$='/events/new']")!.GetAttribute("href")!);
        var input = ValidInput(slug);
        input["Input.TourId"] = tour.ToString();
        input["Input.IsFree"] = "true";
        var edit = await client.SubmitAsync(form.Document, "#event-form", input);

        await using var db = app.CreateDb();
        var e = await db.Set<Event>().SingleAsync(x => x.Slug == slug);
        Assert.Equal(EditUrl(entity, e), edit.Path);
        Assert.Equal(EventPhase.Draft, e.Phase);
        Assert.Equal(new DateTimeOffset(2030, 7, 1, 18, 30, 0, TimeSpan.Zero), e.StartsAt); // BST is UTC+1
        Assert.Equal(new DateTimeOffset(2030, 7, 1, 22, 0, 0, TimeSpan.Zero), e.EndsAt);
        Assert.Equal(["indie", "dream pop"], e.Genres);
        Assert.Equal(["GB", "IE"], e.AllowedCountries);
        Assert.Equal("GB", e.Country);
        Assert.Equal(tour, e.TourId);
        Assert.True(e.IsFree);
        Assert.Equal(EventVisibility.Unlisted, e.Visibility);
        Assert.Equal("2030-07-01T19:30", edit.Document.QuerySelector("#Input_StartsLocal")?.GetAttribute("value"));
        var listed = await client.GetAsync($"/manage/{entity.Slug}/events");
        Assert.Contains("Summer Night", listed.Document.QuerySelector($"tr[data-event-id='{e.Id}']")?.TextContent);
    }

    [Fact]
    public async Task Bad_input_shows_a_clear_message_and_writes_nothing()
    {
        var (client, coordinator) = await app.SignedInUserAsync(displayName: "Cole Coord");
        var entity = await app.EntityAsync(members: [(coordinator.Id, EntityRole.Coordinator)]);
        var otherEntity = await app.EntityAsync();
        var foreignTour = (await app.TourAsync(otherEntity.Id, name: "Not yours")).Id;
        var taken = await app.EventAsync(otherEntity.Id);
        var form = await client.GetAsync($"/manage/{entity.Slug}/events/new");

        var cases = new (string Field, string Value, string Message)[]
        {
            ("Input.Title", "", "Give the event a title."),
            ("Input.EndsLocal", "2030-07-01T18:00", "The event must end after it starts."),
            ("Input.TimeZone", "Mars/Olympus", "Pick a time zone from the list."),
            ("Input.StartsLocal", "next friday", "Enter the start as a date and time"),
            ("Input.StartsLocal", "2030-03-31T01:30", "does not exist in Europe/London"),
            ("Input.Country", "UK", "'UK' is not a two-letter ISO country code"),
            ("Input.Latitude", "95", "Latitude must be between -90 and 90."),
            ("Input.Longitude", "-200", "Longitude must be between -180 and 180."),
            ("Input.Slug", taken.Slug, $"The address '{taken.Slug}' is already used by another event."),
            ("Input.Slug", "Bad Slug!", "The address may use lower-case letters"),
            ("Input.TourId", foreignTour.ToString(), "Pick one of this entity's tours."),
            ("Input.VenueName", "", "Give a venue, mark the event as online, or both."),
            ("Input.AllowedCountries", "GB, XX, Narnia", "Not two-letter ISO country codes: XX, NARNIA."),
            ("Input.Genres", string.Join(",", Enumerable.Range(1, 11).Select(i => $"g{i}")), "List at most 10 genres."),
        };
        foreach (var (field, value, message) in cases)
        {
            var input = ValidInput("fresh-" + Guid.NewGuid().ToString("N")[..8]);
            input[field] = value;
            using var response = await client.SubmitRawAsync(form.Document, "#event-form", input, htmx: true);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<html", html);
            var fragment = WebClient.Parse(html);
            Assert.NotNull(fragment.QuerySelector("form#event-form"));
            Assert.True(fragment.QuerySelector(".errors")?.TextContent.Contains(message) == true, $"{field}={value}: expected '{message}' in {fragment.QuerySelector(".errors")?.TextContent}");
        }

        // Without JavaScript the whole page comes back with the message.
        var plain = ValidInput("plain-" + Guid.NewGuid().ToString("N")[..8]);
        plain["Input.EndsLocal"] = "2030-06-01T10:00";
        var page = await client.SubmitAsync(form.Document, "#event-form", plain);
        Assert.Contains("The event must end after it starts.", page.Text);
        Assert.NotNull(page.Document.QuerySelector("header.site-header"));

        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Event>().CountAsync(e => e.EntityId == entity.Id));
    }

    [Fact]
    public async Task Editing_saves_changes_and_refuses_a_slug_used_by_another_event()
    {
        var (client, owner) = await app.SignedInUserAsync(displayName: "Ed Owner");
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var e = await app.EventAsync(entity.Id, title: "Test Night", timeZone: "Europe/London", venue: "The Hall", city: "Leeds");
        var other = await app.EventAsync(entity.Id);
        var edit = await client.GetAsync(EditUrl(entity, e));
        Assert.Equal("Europe/London", edit.Document.QuerySelector("#Input_TimeZone option[selected]")?.GetAttribute("value"));

        var refused = await client.SubmitAsync(edit.Document, "#event-form", new Dictionary<string, string>
        {
            ["Input.Title"] = "Renamed", ["Input.Slug"] = other.Slug,
        });
        Assert.Contains($"The address '{other.Slug}' is already used by another event.", refused.Text);
        await using (var db = app.CreateDb())
            Assert.Equal("Test Night", await db.Set<Event>().Where(x => x.Id == e.Id).Select(x => x.Title).SingleAsync());

        var saved = await client.SubmitAsync(edit.Document, "#event-form", new Dictionary<string, string>
        {
            ["Input.Title"] = "Renamed", ["Input.TimeZone"] = "America/New_York", ["Input.StartsLocal"] = "2030-06-01T20:00",
            ["Input.EndsLocal"] = "2030-06-01T22:00", ["Input.IsOnline"] = "true",
        });
        Assert.Equal(EditUrl(entity, e), saved.Path);
        await using (var db = app.CreateDb())
        {
            var row = await db.Set<Event>().SingleAsync(x => x.Id == e.Id);
            Assert.Equal("Renamed", row.Title);
            Assert.Equal(new DateTimeOffset(2030, 6, 2, 0, 0, 0, TimeSpan.Zero), row.StartsAt); // EDT is UTC-4
            Assert.True(row.IsOnline);
            Assert.Equal(EventPhase.Pre, row.Phase);
        }
    }

    [Fact]
    public async Task Tour_select_offers_only_this_entitys_tours()
    {
        var (client, owner) = await app.SignedInUserAsync(displayName: "Tia Tours");
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var other = await app.EntityAsync();
        var mine = (await app.TourAsync(entity.Id, name: "My Tour")).Id;
        var theirs = (await app.TourAsync(other.Id, name: "Their Tour")).Id;

        var form = await client.GetAsync($"/manage/{entity.Slug}/events/new");
        var options = form.Document.QuerySelectorAll("#Input_TourId option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Contains(mine.ToString(), options);
        Assert.DoesNotContain(theirs.ToString(), options);
    }

    [Fact]
    public async Task A_fan_cannot_open_manager_pages_or_create_events_for_an_entity()
    {
        var (fan, _) = await app.SignedInUserAsync(displayName: "Fay Fan");
        var owner = await app.UserAsync(displayName: "Oz Owner");
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);

        // Non-members get the same 404 as for an entity that does not exist (see ManagedEntityGate).
        using (var list = await fan.Http.GetAsync($"/manage/{entity.Slug}/events"))
            Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        var home = await fan.GetAsync("/");
        using (var post = await fan.PostAsync($"/manage/{entity.Slug}/events/new", home.Document, ValidInput("sneaky-" + Guid.NewGuid().ToString("N")[..6])
                   .ToDictionary(k => k.Key, k => k.Value)))
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);

        using var anonymous = app.CreateClient();
        using (var anon = await anonymous.Http.GetAsync($"/manage/{entity.Slug}/events/new"))
            Assert.Equal("/account/login", anon.Headers.Location?.AbsolutePath);

        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Event>().CountAsync(e => e.EntityId == entity.Id));
    }
}

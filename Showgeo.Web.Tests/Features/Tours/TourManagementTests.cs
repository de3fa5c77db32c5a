using System.Net;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Tours;

public sealed class TourManagementTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Manager_builds_a_tour_whose_public_page_lists_its_stops_in_date_order()
    {
        var owner = await app.UserAsync("own-tour@example.com", "Owner Tour");
        var manager = await app.UserAsync("mgr-tour@example.com", "Mgr Tour");
        var entity = await app.EntityAsync("touring", members: [(owner.Id, EntityRole.Owner), (manager.Id, EntityRole.Manager)]);
        var start = DateTimeOffset.UtcNow.AddDays(30);
        var late = (await app.EventAsync(entity.Id, "touring-late", startsAt: start.AddDays(9))).Id;
        var early = (await app.EventAsync(entity.Id, "touring-early", startsAt: start)).Id;
        var middle = (await app.EventAsync(entity.Id, "touring-middle", startsAt: start.AddDays(4))).Id;
        var draft = (await app.EventAsync(entity.Id, "touring-draft", startsAt: start.AddDays(2), phase: EventPhase.Draft)).Id;
        using var client = await app.SignedInAsync(manager);

        var tours = await client.GetAsync("/manage/touring/tours");
        var edit = await client.SubmitAsync(tours.Document, "#create-tour-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Spring Run", ["Input.Description"] = "Three cities.",
        });
        Assert.Equal("/manage/touring/tours/spring-run", edit.Path);
        foreach (var id in new[] { late, draft, early })
            edit = await client.SubmitAsync(edit.Document, $"#other-events li[data-event-id='{id}'] form.assign");
        var fragment = await client.SubmitAsync(edit.Document, $"#other-events li[data-event-id='{middle}'] form.assign", htmx: true);
        Assert.DoesNotContain("<html", fragment.Html);
        Assert.Equal(4, fragment.Document.QuerySelectorAll("#stop-list li").Length);

        using var anonymous = app.CreateClient();
        var page = await anonymous.GetAsync("/tours/spring-run");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Three cities.", page.Text);
        Assert.Contains("Entity touring", page.Text);
        var order = page.Document.QuerySelectorAll("#tour-stops .event-card").Select(c => c.GetAttribute("data-event-id")).ToList();
        Assert.Equal([early.ToString(), middle.ToString(), late.ToString()], order);
    }

    [Fact]
    public async Task Assigning_another_entitys_event_is_refused_and_changes_nothing()
    {
        var owner = await app.UserAsync("own-tamper@example.com", "Owner Tamper");
        var entity = await app.EntityAsync("tamper-ent", members: [(owner.Id, EntityRole.Owner)]);
        await app.TourAsync(entity.Id, "tamper-tour", "Tamper tour");
        var rival = await app.EntityAsync("rival-ent");
        var rivalEvent = await app.EventAsync(rival.Id, "rival-show", startsAt: DateTimeOffset.UtcNow.AddDays(5));
        using var client = await app.SignedInAsync(owner);
        var edit = await client.GetAsync("/manage/tamper-ent/tours/tamper-tour");
        var before = await app.EntitySnapshotAsync();

        using var response = await client.PostAsync("/manage/tamper-ent/tours/tamper-tour?handler=Assign", edit.Document,
            new Dictionary<string, string> { ["eventId"] = rivalEvent.Id.ToString() }, htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That event is not one of Entity tamper-ent", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.EntitySnapshotAsync());
    }

    [Fact]
    public async Task A_taken_tour_slug_is_refused_with_a_message()
    {
        var owner = await app.UserAsync("own-ts@example.com", "Owner TS");
        var entity = await app.EntityAsync("ts-ent", members: [(owner.Id, EntityRole.Owner)]);
        await app.TourAsync((await app.EntityAsync("ts-other")).Id, "world-tour", "World tour");
        using var client = await app.SignedInAsync(owner);
        var tours = await client.GetAsync("/manage/ts-ent/tours");
        var before = await app.EntitySnapshotAsync();
        var result = await client.SubmitAsync(tours.Document, "#create-tour-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "World tour", ["Input.Slug"] = "world-tour",
        });
        Assert.Contains("\"world-tour\" is already taken", result.Text);
        Assert.Equal(before, await app.EntitySnapshotAsync());
        Assert.NotEqual(Guid.Empty, entity.Id);
    }
}

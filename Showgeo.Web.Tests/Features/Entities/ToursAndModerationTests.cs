using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Entities;

public sealed class ToursAndModerationTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private async Task<WebClient> SignedInAsync(string email)
    {
        var client = app.CreateClient();
        await client.SignInAsync(email, EntityArrange.Password);
        return client;
    }

    [Fact]
    public async Task Manager_builds_a_tour_whose_public_page_lists_its_stops_in_date_order()
    {
        var owner = await app.UserAsync("own-tour@example.com", "Owner Tour");
        var manager = await app.UserAsync("mgr-tour@example.com", "Mgr Tour");
        var entityId = await app.EntityAsync("touring", (owner, EntityRole.Owner), (manager, EntityRole.Manager));
        var start = DateTimeOffset.UtcNow.AddDays(30);
        var late = await app.EventAsync(entityId, "touring-late", start.AddDays(9));
        var early = await app.EventAsync(entityId, "touring-early", start);
        var middle = await app.EventAsync(entityId, "touring-middle", start.AddDays(4));
        var draft = await app.EventAsync(entityId, "touring-draft", start.AddDays(2), phase: EventPhase.Draft);
        using var client = await SignedInAsync("mgr-tour@example.com");

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
        var entityId = await app.EntityAsync("tamper-ent", (owner, EntityRole.Owner));
        await app.TourAsync(entityId, "tamper-tour", "Tamper tour");
        var rival = await app.EntityAsync("rival-ent");
        var rivalEvent = await app.EventAsync(rival, "rival-show", DateTimeOffset.UtcNow.AddDays(5));
        using var client = await SignedInAsync("own-tamper@example.com");
        var edit = await client.GetAsync("/manage/tamper-ent/tours/tamper-tour");
        var before = await app.SnapshotAsync();

        using var response = await client.PostAsync("/manage/tamper-ent/tours/tamper-tour?handler=Assign", edit.Document,
            new Dictionary<string, string> { ["eventId"] = rivalEvent.ToString() }, htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That event is not one of Entity tamper-ent", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task A_taken_tour_slug_is_refused_with_a_message()
    {
        var owner = await app.UserAsync("own-ts@example.com", "Owner TS");
        var entityId = await app.EntityAsync("ts-ent", (owner, EntityRole.Owner));
        await app.TourAsync(await app.EntityAsync("ts-other"), "world-tour", "World tour");
        using var client = await SignedInAsync("own-ts@example.com");
        var tours = await client.GetAsync("/manage/ts-ent/tours");
        var before = await app.SnapshotAsync();
        var result = await client.SubmitAsync(tours.Document, "#create-tour-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "World tour", ["Input.Slug"] = "world-tour",
        });
        Assert.Contains("\"world-tour\" is already taken", result.Text);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.NotEqual(Guid.Empty, entityId);
    }

    [Fact]
    public async Task Admin_suspension_hides_the_entity_from_the_public_while_its_managers_see_the_reason()
    {
        var owner = await app.UserAsync("own-sus@example.com", "Owner Sus");
        await app.UserAsync("admin-sus@example.com", "Admin Sus", admin: true);
        var entityId = await app.EntityAsync("suspend-me", (owner, EntityRole.Owner));
        var tourId = await app.TourAsync(entityId, "suspend-tour", "Doomed tour");
        await app.EventAsync(entityId, "suspend-show", DateTimeOffset.UtcNow.AddDays(3), tourId);
        using var anonymous = app.CreateClient();
        Assert.NotNull((await anonymous.GetAsync("/")).Document.QuerySelector("a[href='/events/suspend-show']"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/tours/suspend-tour")).Status);

        using var admin = await SignedInAsync("admin-sus@example.com");
        var list = await admin.GetAsync("/admin/entities?q=SUSPEND");
        var row = $"#admin-entity-{entityId}";
        Assert.NotNull(list.Document.QuerySelector(row));
        var before = await app.SnapshotAsync();
        var noReason = await admin.SubmitAsync(list.Document, $"{row} form.suspend", new Dictionary<string, string> { ["Reason"] = "  " }, htmx: true);
        Assert.Contains("Give a reason", noReason.Text);
        Assert.Equal(before, await app.SnapshotAsync());

        var suspended = await admin.SubmitAsync(list.Document, $"{row} form.suspend", new Dictionary<string, string> { ["Reason"] = "Tickets never delivered" });
        Assert.Contains("Tickets never delivered", suspended.Document.QuerySelector(row)?.TextContent);

        Assert.Null((await anonymous.GetAsync("/")).Document.QuerySelector("a[href='/events/suspend-show']"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/tours/suspend-tour")).Status);
        using var ownerClient = await SignedInAsync("own-sus@example.com");
        var dashboard = await ownerClient.GetAsync("/manage/suspend-me");
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        Assert.Equal("Tickets never delivered", dashboard.Document.QuerySelector("#suspension-reason")?.TextContent);

        var reinstated = await admin.SubmitAsync(suspended.Document, $"{row} form.unsuspend");
        Assert.Contains("reinstated", reinstated.Text);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/tours/suspend-tour")).Status);
        Assert.Null((await ownerClient.GetAsync("/manage/suspend-me")).Document.QuerySelector("#suspension-notice"));
    }

    [Fact]
    public async Task Admin_verification_shows_the_badge_on_the_tour_page_and_dashboard()
    {
        var owner = await app.UserAsync("own-ver@example.com", "Owner Ver");
        await app.UserAsync("admin-ver@example.com", "Admin Ver", admin: true);
        var entityId = await app.EntityAsync("verify-me", (owner, EntityRole.Owner));
        await app.TourAsync(entityId, "verify-tour", "Verified tour");
        using var anonymous = app.CreateClient();
        Assert.Null((await anonymous.GetAsync("/tours/verify-tour")).Document.QuerySelector(".badge.verified"));

        using var admin = await SignedInAsync("admin-ver@example.com");
        var list = await admin.GetAsync("/admin/entities?q=verify-me");
        var fragment = await admin.SubmitAsync(list.Document, $"#admin-entity-{entityId} form.verify", htmx: true);
        Assert.DoesNotContain("<html", fragment.Html);
        Assert.NotNull(fragment.Document.QuerySelector($"#admin-entity-{entityId} .badge.verified"));

        Assert.NotNull((await anonymous.GetAsync("/tours/verify-tour")).Document.QuerySelector(".badge.verified"));
        using var ownerClient = await SignedInAsync("own-ver@example.com");
        Assert.NotNull((await ownerClient.GetAsync("/manage/verify-me")).Document.QuerySelector("h1 .badge.verified"));
        await using var db = app.CreateDb();
        Assert.True(await db.Set<Entity>().Where(e => e.Id == entityId).Select(e => e.IsVerified).SingleAsync());
    }
}

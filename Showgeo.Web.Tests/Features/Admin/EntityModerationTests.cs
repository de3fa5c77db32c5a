using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Admin;

public sealed class EntityModerationTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Admin_suspension_hides_the_entity_from_the_public_while_its_managers_see_the_reason()
    {
        var owner = await app.UserAsync("own-sus@example.com", "Owner Sus");
        var adminUser = await app.UserAsync("admin-sus@example.com", "Admin Sus", admin: true);
        var entityId = (await app.EntityAsync("suspend-me", members: [(owner.Id, EntityRole.Owner)])).Id;
        var tour = await app.TourAsync(entityId, "suspend-tour", "Doomed tour");
        await app.EventAsync(entityId, "suspend-show", startsAt: DateTimeOffset.UtcNow.AddDays(3), tourId: tour.Id);
        using var anonymous = app.CreateClient();
        Assert.NotNull((await anonymous.GetAsync("/")).Document.QuerySelector("a[href='/events/suspend-show']"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/tours/suspend-tour")).Status);

        using var admin = await app.SignedInAsync(adminUser);
        var list = await admin.GetAsync("/admin/entities?q=SUSPEND");
        var row = $"#admin-entity-{entityId}";
        Assert.NotNull(list.Document.QuerySelector(row));
        var before = await app.EntitySnapshotAsync();
        var noReason = await admin.SubmitAsync(list.Document, $"{row} form.suspend", new Dictionary<string, string> { ["Reason"] = "  " }, htmx: true);
        Assert.Contains("Give a reason", noReason.Text);
        Assert.Equal(before, await app.EntitySnapshotAsync());

        var suspended = await admin.SubmitAsync(list.Document, $"{row} form.suspend", new Dictionary<string, string> { ["Reason"] = "Tickets never delivered" });
        Assert.Contains("Tickets never delivered", suspended.Document.QuerySelector(row)?.TextContent);

        Assert.Null((await anonymous.GetAsync("/")).Document.QuerySelector("a[href='/events/suspend-show']"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/tours/suspend-tour")).Status);
        using var ownerClient = await app.SignedInAsync(owner);
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
        var adminUser = await app.UserAsync("admin-ver@example.com", "Admin Ver", admin: true);
        var entityId = (await app.EntityAsync("verify-me", members: [(owner.Id, EntityRole.Owner)])).Id;
        await app.TourAsync(entityId, "verify-tour", "Verified tour");
        using var anonymous = app.CreateClient();
        Assert.Null((await anonymous.GetAsync("/tours/verify-tour")).Document.QuerySelector(".badge.verified"));

        using var admin = await app.SignedInAsync(adminUser);
        var list = await admin.GetAsync("/admin/entities?q=verify-me");
        var fragment = await admin.SubmitAsync(list.Document, $"#admin-entity-{entityId} form.verify", htmx: true);
        Assert.DoesNotContain("<html", fragment.Html);
        Assert.NotNull(fragment.Document.QuerySelector($"#admin-entity-{entityId} .badge.verified"));

        // The cached copy is evicted by the NOTIFY the change commits, which reaches this instance's listener a moment later.
        await Eventually.TrueAsync(async () => (await anonymous.GetAsync("/tours/verify-tour")).Document.QuerySelector(".badge.verified") is not null,
            "the anonymous tour page to show the badge");
        using var ownerClient = await app.SignedInAsync(owner);
        Assert.NotNull((await ownerClient.GetAsync("/manage/verify-me")).Document.QuerySelector("h1 .badge.verified"));
        await using var db = app.CreateDb();
        Assert.True(await db.Set<Entity>().Where(e => e.Id == entityId).Select(e => e.IsVerified).SingleAsync());
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Streaming;

/// <summary>The studio is the event's team's only; its phase, stage and OBS forms work as plain forms.</summary>
public sealed class StudioTests(StreamPagesApp app) : IClassFixture<StreamPagesApp>
{
    [Fact]
    public async Task Studio_is_refused_to_fans_and_to_coordinators_of_another_entity_and_open_to_the_own_coordinator()
    {
        var owner = await app.UserAsync();
        var coordinator = await app.UserAsync();
        var foreignCoordinator = await app.UserAsync();
        var fan = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner), (coordinator.Id, EntityRole.Coordinator)]);
        await app.EntityAsync(members: [(foreignCoordinator.Id, EntityRole.Coordinator)]);
        var ev = await app.EventAsync(entity.Id);

        using var anonymous = app.CreateClient();
        using var anonResponse = await anonymous.Http.GetAsync($"/events/{ev.Slug}/studio");
        Assert.Equal(HttpStatusCode.Redirect, anonResponse.StatusCode);
        Assert.Contains("/account/login", anonResponse.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
        foreach (var refused in new[] { fan, foreignCoordinator })
        {
            using var client = await app.SignedInAsync(refused);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/events/{ev.Slug}/studio")).Status);
        }
        using var own = await app.SignedInAsync(coordinator);
        var studio = await own.GetAsync($"/events/{ev.Slug}/studio");
        Assert.Equal(HttpStatusCode.OK, studio.Status);
        Assert.NotNull(studio.Document.QuerySelector("script[src*='livekit-client']"));
        Assert.Contains("connect-src 'self' ws://127.0.0.1:", studio.Response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("camera=(self)", studio.Response.Headers.GetValues("Permissions-Policy").Single());
    }

    [Fact]
    public async Task Studio_go_live_and_end_work_as_plain_forms_and_the_OBS_key_stays_folded_until_asked()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id);
        using var client = await app.SignedInAsync(owner);

        var studio = await client.GetAsync($"/events/{ev.Slug}/studio");
        var live = await client.SubmitAsync(studio.Document, "#studio-phase-form", submitName: "to", submitValue: "Live");
        Assert.Contains("You are live.", live.Text);
        await using (var db = app.CreateDb())
            Assert.Equal(EventPhase.Live, await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.Phase).SingleAsync());

        var ingest = await client.SubmitAsync(live.Document, "#studio-ingress form");
        Assert.True(ingest.Document.QuerySelector("[data-testid=ingress-url]")?.TextContent == "rtmp://127.0.0.1/live", ingest.Document.QuerySelector("#studio-ingress")?.TextContent + ingest.Text[..Math.Min(400, ingest.Text.Length)]);
        var key = ingest.Document.QuerySelector("details[data-testid=ingress-key]");
        Assert.NotNull(key);
        Assert.False(key!.HasAttribute("open"));
        Assert.StartsWith("sk_", key.QuerySelector("code")!.TextContent);
        var again = await client.SubmitAsync(ingest.Document, "#studio-ingress form");
        Assert.NotEqual(key.QuerySelector("code")!.TextContent, again.Document.QuerySelector("details[data-testid=ingress-key] code")!.TextContent);

        var ended = await client.SubmitAsync(again.Document, "#studio-phase-form", submitName: "to", submitValue: "Post");
        Assert.Contains("The stream has ended.", ended.Text);
        await using (var db = app.CreateDb())
            Assert.Equal(EventPhase.Post, await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.Phase).SingleAsync());

        // The studio moves only between Pre, Live and Post: a cancellation goes through the event editor.
        var cancel = await client.PostAsync($"/events/{ev.Slug}/studio?handler=Phase", ended.Document,
            new Dictionary<string, string> { ["from"] = "Post", ["to"] = "Cancelled" }, htmx: true);
        Assert.Contains("phase-error", await cancel.Content.ReadAsStringAsync());
    }
}

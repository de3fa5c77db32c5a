using HttpStatusCode = System.Net.HttpStatusCode;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using static Showgeo.Web.Tests.Features.Events.EventPages;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Events;

public sealed class EventPhaseTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static readonly (EventPhase From, EventPhase To)[] AllowedPairs =
    [
        (EventPhase.Draft, EventPhase.Pre), (EventPhase.Draft, EventPhase.Cancelled),
        (EventPhase.Pre, EventPhase.Live), (EventPhase.Pre, EventPhase.Cancelled),
        (EventPhase.Live, EventPhase.Post), (EventPhase.Live, EventPhase.Cancelled),
    ];

    [Fact]
    public async Task Every_phase_pair_outside_the_allowed_list_is_refused_with_no_change_and_no_history()
    {
        var (client, coordinator) = await app.SignedInUserAsync(displayName: "Coco Ordinator");
        var entity = await app.EntityAsync(members: [(coordinator.Id, EntityRole.Coordinator)]);
        var tokenPage = await client.GetAsync(EditUrl(entity, await app.EventAsync(entity.Id)));
        var failures = new List<string>();

        foreach (var from in Enum.GetValues<EventPhase>())
        foreach (var to in Enum.GetValues<EventPhase>())
        {
            var e = await app.EventAsync(entity.Id, phase: from);
            using var response = await client.PostAsync(EditUrl(entity, e) + "?handler=Phase", tokenPage.Document,
                new Dictionary<string, string> { ["from"] = from.ToString(), ["to"] = to.ToString() }, htmx: true);
            var html = await response.Content.ReadAsStringAsync();
            var fragment = WebClient.Parse(html);
            var phase = await PhaseAsync(e.Id);
            var history = await HistoryCountAsync(e.Id);
            var allowed = AllowedPairs.Contains((from, to));
            if (allowed && (phase != to || history != 1 || fragment.QuerySelector("[data-testid=phase-error]") is not null))
                failures.Add($"{from}->{to} should succeed: phase {phase}, history {history}");
            if (!allowed && (phase != from || history != 0 ||
                             fragment.QuerySelector("[data-testid=phase-error]")?.TextContent is not { } error ||
                             !(error.Contains($"cannot move from {from} to {to}") || error.Contains($"already {from}"))))
                failures.Add($"{from}->{to} should be refused with a message: phase {phase}, history {history}, html {html[..Math.Min(200, html.Length)]}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Coordinator_moves_event_through_phases_and_history_shows_who_and_when()
    {
        var (client, coordinator) = await app.SignedInUserAsync(displayName: "Cora Phase");
        var entity = await app.EntityAsync(members: [(coordinator.Id, EntityRole.Coordinator)]);
        var e = await app.EventAsync(entity.Id, phase: EventPhase.Draft);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        // Without JavaScript: the button posts the form and the page comes back via redirect.
        var edit = await client.GetAsync(EditUrl(entity, e));
        Assert.Equal(["Pre", "Cancelled"], edit.Document.QuerySelectorAll("#phase-form button[name=to]").Select(b => b.GetAttribute("value")));
        var published = await client.SubmitAsync(edit.Document, "#phase-form",
            new Dictionary<string, string> { ["note"] = "Tickets on sale" }, submitName: "to", submitValue: "Pre");
        Assert.Equal(EditUrl(entity, e), published.Path);
        Assert.Equal("Upcoming", published.Document.QuerySelector("#event-phase [data-testid=phase-badge]")?.TextContent.Trim());
        Assert.Equal(["Live", "Cancelled"], published.Document.QuerySelectorAll("#phase-form button[name=to]").Select(b => b.GetAttribute("value")));

        // With htmx: the phase section comes back as a fragment.
        using var live = await client.SubmitRawAsync(published.Document, "#phase-form", htmx: true, submitName: "to", submitValue: "Live");
        var fragmentHtml = await live.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", fragmentHtml);
        var fragment = WebClient.Parse(fragmentHtml);
        Assert.Equal("LIVE", fragment.QuerySelector("#event-phase [data-testid=phase-badge]")?.TextContent.Trim());
        var rows = fragment.QuerySelectorAll("[data-testid=phase-change]").Select(li => li.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("Pre → Live by Cora Phase", rows[0]);
        Assert.Contains("Draft → Pre by Cora Phase", rows[1]);
        Assert.Contains("Tickets on sale", rows[1]);

        await using var db = app.CreateDb();
        var history = await db.Set<EventPhaseChange>().Where(c => c.EventId == e.Id).OrderBy(c => c.ChangedAt).ToListAsync();
        Assert.All(history, h => Assert.Equal(coordinator.Id, h.ChangedByUserId));
        Assert.All(history, h => Assert.InRange(h.ChangedAt, before, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.Equal([(EventPhase.Draft, EventPhase.Pre), (EventPhase.Pre, EventPhase.Live)], history.Select(h => (h.FromPhase, h.ToPhase)));
    }

    [Fact]
    public async Task Non_member_fan_and_anonymous_visitor_cannot_change_phase()
    {
        var (owner, ownerUser) = await app.SignedInUserAsync(displayName: "Olive Owner");
        var (fan, _) = await app.SignedInUserAsync(displayName: "Fred Fan");
        var entity = await app.EntityAsync(members: [(ownerUser.Id, EntityRole.Owner)]);
        var e = await app.EventAsync(entity.Id, phase: EventPhase.Pre);
        var values = new Dictionary<string, string> { ["from"] = "Pre", ["to"] = "Cancelled" };

        var fanEdit = await fan.Http.GetAsync(EditUrl(entity, e));
        Assert.Equal(HttpStatusCode.NotFound, fanEdit.StatusCode);
        var fanHome = await fan.GetAsync("/");
        using (var r = await fan.PostAsync(EditUrl(entity, e) + "?handler=Phase", fanHome.Document, values))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);

        using var anonymous = app.CreateClient();
        // Public pages reach anonymous visitors from the page cache without a token; the sign-in form carries one.
        var anonHome = await anonymous.GetAsync("/account/login");
        using (var r = await anonymous.PostAsync(EditUrl(entity, e) + "?handler=Phase", anonHome.Document, values))
        {
            Assert.True(r.IsRedirect());
            Assert.Equal("/account/login", r.Headers.Location?.AbsolutePath);
        }

        Assert.Equal(EventPhase.Pre, await PhaseAsync(e.Id));
        Assert.Equal(0, await HistoryCountAsync(e.Id));
        owner.Dispose();
        fan.Dispose();
    }

    [Fact]
    public async Task Lifecycle_service_refuses_a_signed_in_user_who_is_not_a_member()
    {
        var owner = await app.UserAsync(displayName: "Otto Owner");
        var stranger = await app.UserAsync(displayName: "Sam Stranger");
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var e = await app.EventAsync(entity.Id, phase: EventPhase.Draft);

        var result = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>()
            .ChangeAsync(e.Id, EventPhase.Draft, EventPhase.Pre, Principal(stranger.Id), null, CancellationToken.None));

        Assert.False(result.Succeeded);
        Assert.Contains("Only the entity's team", result.Error);
        Assert.Equal(EventPhase.Draft, await PhaseAsync(e.Id));
        Assert.Equal(0, await HistoryCountAsync(e.Id));
    }

    [Fact]
    public async Task Two_simultaneous_clicks_move_the_phase_once()
    {
        var (client, manager) = await app.SignedInUserAsync(displayName: "Max Manager");
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Manager)]);
        var e = await app.EventAsync(entity.Id, phase: EventPhase.Pre);
        var edit = await client.GetAsync(EditUrl(entity, e));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsync(
            EditUrl(entity, e) + "?handler=Phase", edit.Document,
            new Dictionary<string, string> { ["from"] = "Pre", ["to"] = "Live" }, htmx: true)));
        var errors = 0;
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            if (WebClient.Parse(await r.Content.ReadAsStringAsync()).QuerySelector("[data-testid=phase-error]") is not null) errors++;
            r.Dispose();
        }

        Assert.Equal(5, errors);
        Assert.Equal(EventPhase.Live, await PhaseAsync(e.Id));
        Assert.Equal(1, await HistoryCountAsync(e.Id));
    }

    [Fact]
    public async Task A_phase_change_writes_its_domain_events_in_the_same_transaction_and_a_refused_one_writes_none()
    {
        var owner = await app.UserAsync(displayName: "Hana Outbox");
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var draft = await app.EventAsync(entity.Id, phase: EventPhase.Draft);
        var live = await app.EventAsync(entity.Id, phase: EventPhase.Live);

        Assert.True((await Change(draft.Id, EventPhase.Draft, EventPhase.Pre)).Succeeded);
        Assert.True((await Change(live.Id, EventPhase.Live, EventPhase.Cancelled)).Succeeded);
        // Stale: the event is Pre now, so nothing changes and nothing is announced.
        Assert.False((await Change(draft.Id, EventPhase.Draft, EventPhase.Cancelled)).Succeeded);

        await using var db = app.CreateDb();
        var types = (await db.Set<OutboxMessage>().AsNoTracking().Select(m => new { m.Type, m.Payload }).ToListAsync())
            .Where(m => m.Payload.Contains(draft.Id.ToString()) || m.Payload.Contains(live.Id.ToString()))
            .OrderBy(m => m.Type, StringComparer.Ordinal).ToList();
        Assert.Equal(["EventCancelled", "EventPhaseChanged", "EventPhaseChanged", "EventPublished"], types.Select(t => t.Type).ToArray());
        Assert.Contains(types, t => t.Type == "EventPublished" && t.Payload.Contains(draft.Id.ToString()) && t.Payload.Contains(entity.Id.ToString()));
        Assert.Contains(types, t => t.Type == "EventCancelled" && t.Payload.Contains(live.Id.ToString()) && t.Payload.Contains(owner.Id.ToString()));

        Task<PhaseChangeResult> Change(Guid eventId, EventPhase from, EventPhase to) => app.WithScopeAsync(sp =>
            sp.GetRequiredService<EventLifecycle>().ChangeAsync(eventId, from, to, Principal(owner.Id), "Storm", CancellationToken.None));
    }

    private async Task<EventPhase> PhaseAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<Event>().Where(e => e.Id == eventId).Select(e => e.Phase).SingleAsync();
    }

    private async Task<int> HistoryCountAsync(Guid eventId)
    {
        await using var db = app.CreateDb();
        return await db.Set<EventPhaseChange>().CountAsync(c => c.EventId == eventId);
    }
}

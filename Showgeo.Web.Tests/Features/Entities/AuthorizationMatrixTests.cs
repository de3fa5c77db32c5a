using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Entities;

public enum Actor { Anonymous, Fan, Coordinator, Manager, Owner, Admin }

/// <summary>What a request by one actor must get.</summary>
public enum Outcome
{
    /// <summary>2xx, or a redirect that is not to sign-in or access-denied; a POST must also change the database.</summary>
    Allowed,
    /// <summary>302 to /account/login.</summary>
    SignIn,
    /// <summary>403, or the cookie handler's redirect to /account/access-denied (policy failures on /admin).</summary>
    Forbidden,
    /// <summary>404: a signed-in non-member asking for an entity's back office.</summary>
    NotFound,
}

/// <summary>One class-wide set of actors, each with a signed-in client, shared by every matrix case.</summary>
public sealed class EntityMatrixApp : ShowgeoApp
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Actors? _actors;

    public sealed record Actors(
        Dictionary<Actor, Guid> Ids, Dictionary<Actor, (WebClient Client, IHtmlDocument TokenSource)> Clients,
        Guid TargetId, string NewcomerEmail);

    public async Task<Actors> ActorsAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_actors is not null) return _actors;
            var ids = new Dictionary<Actor, Guid>();
            var clients = new Dictionary<Actor, (WebClient, IHtmlDocument)>();
            foreach (var actor in Enum.GetValues<Actor>())
            {
                WebClient client;
                if (actor == Actor.Anonymous) client = CreateClient();
                else
                {
                    var user = await this.UserAsync($"{actor.ToString().ToLowerInvariant()}@matrix.test", actor.ToString(), admin: actor == Actor.Admin);
                    ids[actor] = user.Id;
                    client = await this.SignedInAsync(user);
                }
                clients[actor] = (client, (await client.GetAsync("/")).Document);
            }
            var target = await this.UserAsync("target@matrix.test", "Target");
            await this.UserAsync("newcomer@matrix.test", "Newcomer");
            return _actors = new Actors(ids, clients, target.Id, "newcomer@matrix.test");
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// Every entity-management page and handler, asked by every kind of visitor. Denials: anonymous → sign-in redirect;
/// signed-in non-members (fans, and admins, who are not implicitly members) → 404; members whose role lacks the
/// permission → 403; non-admins on /admin → 403. A denied POST must leave the database exactly as it was, and an
/// allowed POST must change it (so the matrix cannot pass by everything quietly failing).
/// </summary>
public sealed class AuthorizationMatrixTests(EntityMatrixApp app) : IClassFixture<EntityMatrixApp>
{
    /// <summary>A fresh entity per case: owner, manager, coordinator, a coordinator to act on, a tour with one stop and one loose event.</summary>
    public sealed record Scenario(Guid EntityId, string Slug, string TourSlug, Guid StopEventId, Guid LooseEventId, Guid TargetId, string NewcomerEmail);

    private sealed record Endpoint(
        string Method, Func<Scenario, string> Url, Func<Scenario, Dictionary<string, string>>? Form,
        Func<Actor, Outcome> Expect, Func<Scenario, Task>? Prepare = null);

    private static readonly Actor[] EntityManagers = [Actor.Owner, Actor.Manager];

    // Expectations are written out per endpoint rather than derived from EntityAccess, so a change to the rules fails here.
    private static Func<Actor, Outcome> Members(params Actor[] allowed) => actor => actor switch
    {
        Actor.Anonymous => Outcome.SignIn,
        Actor.Fan or Actor.Admin => Outcome.NotFound,
        _ when allowed.Contains(actor) => Outcome.Allowed,
        _ => Outcome.Forbidden,
    };

    private static Outcome AnySignedIn(Actor actor) => actor == Actor.Anonymous ? Outcome.SignIn : Outcome.Allowed;

    private static Outcome AdminOnly(Actor actor) => actor switch
    {
        Actor.Anonymous => Outcome.SignIn,
        Actor.Admin => Outcome.Allowed,
        _ => Outcome.Forbidden,
    };

    private Dictionary<string, Endpoint> Endpoints => new()
    {
        ["GET /manage"] = new("GET", _ => "/manage", null, AnySignedIn),
        ["POST /manage Create"] = new("POST", _ => "/manage?handler=Create",
            _ => new() { ["Input.Name"] = $"Made {Guid.NewGuid():N}", ["Input.Kind"] = "Venue" }, AnySignedIn),
        ["GET /manage/{slug}"] = new("GET", s => $"/manage/{s.Slug}", null,
            Members(Actor.Owner, Actor.Manager, Actor.Coordinator)),
        ["GET /manage/{slug}/edit"] = new("GET", s => $"/manage/{s.Slug}/edit", null, Members(EntityManagers)),
        ["POST /manage/{slug}/edit"] = new("POST", s => $"/manage/{s.Slug}/edit",
            _ => new() { ["Input.Name"] = "Renamed", ["Input.Kind"] = "Venue", ["Input.Bio"] = "Changed bio" }, Members(EntityManagers)),
        ["GET /manage/{slug}/members"] = new("GET", s => $"/manage/{s.Slug}/members", null, Members(EntityManagers)),
        ["POST /manage/{slug}/members Add"] = new("POST", s => $"/manage/{s.Slug}/members?handler=Add",
            s => new() { ["Add.Who"] = s.NewcomerEmail, ["Add.Role"] = "Coordinator" }, Members(EntityManagers)),
        ["POST /manage/{slug}/members ChangeRole"] = new("POST", s => $"/manage/{s.Slug}/members?handler=ChangeRole",
            s => new() { ["userId"] = s.TargetId.ToString(), ["role"] = "Manager" }, Members(EntityManagers)),
        ["POST /manage/{slug}/members Remove"] = new("POST", s => $"/manage/{s.Slug}/members?handler=Remove",
            s => new() { ["userId"] = s.TargetId.ToString() }, Members(EntityManagers)),
        ["POST /manage/{slug}/members Transfer"] = new("POST", s => $"/manage/{s.Slug}/members?handler=Transfer",
            s => new() { ["userId"] = s.TargetId.ToString() }, Members(Actor.Owner)),
        ["GET /manage/{slug}/tours"] = new("GET", s => $"/manage/{s.Slug}/tours", null, Members(EntityManagers)),
        ["POST /manage/{slug}/tours Create"] = new("POST", s => $"/manage/{s.Slug}/tours?handler=Create",
            _ => new() { ["Input.Name"] = $"Tour {Guid.NewGuid():N}" }, Members(EntityManagers)),
        ["GET /manage/{slug}/tours/{tour}"] = new("GET", s => $"/manage/{s.Slug}/tours/{s.TourSlug}", null, Members(EntityManagers)),
        ["POST /manage/{slug}/tours/{tour} Save"] = new("POST", s => $"/manage/{s.Slug}/tours/{s.TourSlug}?handler=Save",
            s => new() { ["Input.Name"] = "Renamed tour", ["Input.Slug"] = s.TourSlug, ["Input.Description"] = "New words" }, Members(EntityManagers)),
        ["POST /manage/{slug}/tours/{tour} Delete"] = new("POST", s => $"/manage/{s.Slug}/tours/{s.TourSlug}?handler=Delete",
            _ => new(), Members(EntityManagers)),
        ["POST /manage/{slug}/tours/{tour} Assign"] = new("POST", s => $"/manage/{s.Slug}/tours/{s.TourSlug}?handler=Assign",
            s => new() { ["eventId"] = s.LooseEventId.ToString() }, Members(EntityManagers)),
        ["POST /manage/{slug}/tours/{tour} Unassign"] = new("POST", s => $"/manage/{s.Slug}/tours/{s.TourSlug}?handler=Unassign",
            s => new() { ["eventId"] = s.StopEventId.ToString() }, Members(EntityManagers)),
        ["GET /tours/{tour}"] = new("GET", s => $"/tours/{s.TourSlug}", null, _ => Outcome.Allowed),
        ["GET /admin"] = new("GET", _ => "/admin", null, AdminOnly),
        ["GET /admin/entities"] = new("GET", _ => "/admin/entities", null, AdminOnly),
        ["POST /admin/entities Verify"] = new("POST", s => $"/admin/entities?handler=Verify&id={s.EntityId}", _ => new(), AdminOnly),
        ["POST /admin/entities Unverify"] = new("POST", s => $"/admin/entities?handler=Unverify&id={s.EntityId}", _ => new(), AdminOnly,
            s => SetAsync(s.EntityId, verified: true)),
        ["POST /admin/entities Suspend"] = new("POST", s => $"/admin/entities?handler=Suspend&id={s.EntityId}",
            _ => new() { ["Reason"] = "Selling fake tickets" }, AdminOnly),
        ["POST /admin/entities Unsuspend"] = new("POST", s => $"/admin/entities?handler=Unsuspend&id={s.EntityId}", _ => new(), AdminOnly,
            s => SetAsync(s.EntityId, suspended: true)),
        ["GET /admin/users"] = new("GET", _ => "/admin/users", null, AdminOnly),
        ["POST /admin/users Suspend"] = new("POST", s => $"/admin/users?handler=Suspend&id={s.TargetId}",
            _ => new() { ["Reason"] = "Harassing other fans" }, AdminOnly),
        ["POST /admin/users Reinstate"] = new("POST", s => $"/admin/users?handler=Reinstate&id={s.TargetId}", _ => new(), AdminOnly,
            s => SuspendUserAsync(s.TargetId)),
    };

    public static TheoryData<string, Actor> Cases()
    {
        var data = new TheoryData<string, Actor>();
        foreach (var endpoint in new AuthorizationMatrixTests(null!).Endpoints.Keys)
            foreach (var actor in Enum.GetValues<Actor>())
                data.Add(endpoint, actor);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Entity_management_endpoint_answers_each_actor_exactly_as_allowed(string endpointName, Actor actor)
    {
        var actors = await app.ActorsAsync();
        var endpoint = Endpoints[endpointName];
        var scenario = await ScenarioAsync(actors);
        if (endpoint.Prepare is not null) await endpoint.Prepare(scenario);
        var expected = endpoint.Expect(actor);
        var (client, tokenSource) = actors.Clients[actor];

        var before = await app.EntitySnapshotAsync();
        using var response = endpoint.Method == "GET"
            ? await client.Http.GetAsync(endpoint.Url(scenario))
            : await client.PostAsync(endpoint.Url(scenario), tokenSource, endpoint.Form!(scenario));
        var actual = Classify(response);
        var after = await app.EntitySnapshotAsync();

        Assert.True(expected == actual,
            $"{endpointName} as {actor}: expected {expected}, got {actual} ({(int)response.StatusCode} {response.Headers.Location})");
        if (endpoint.Method == "POST" && expected == Outcome.Allowed)
            Assert.True(before != after, $"{endpointName} as {actor} was allowed but changed nothing.");
        else
            Assert.Equal(before, after);
    }

    [Fact]
    public void Matrix_covers_every_entity_management_page()
    {
        // A handler added to these pages without a row here would escape the matrix.
        var pages = typeof(Showgeo.Web.Features.Entities.Manage.IndexModel).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Microsoft.AspNetCore.Mvc.RazorPages.PageModel))
                        && (t.Namespace!.EndsWith("Entities.Manage") || t.Namespace.EndsWith("Tours.Manage")
                            || t == typeof(Showgeo.Web.Features.Admin.EntitiesModel)
                            || t == typeof(Showgeo.Web.Features.Admin.UsersModel)))
            .SelectMany(t => t.GetMethods().Where(m => m.Name.StartsWith("OnPost") || m.Name.StartsWith("OnGet"))
                .Select(m => (t.Namespace!.Split('.')[^2] + "." + t.Name, m.Name.Replace("Async", ""))))
            .ToList();
        var keys = Endpoints.Keys.ToList();
        foreach (var (page, handler) in pages)
        {
            var name = handler.Replace("OnPost", "").Replace("OnGet", "");
            var verb = handler.StartsWith("OnPost") ? "POST" : "GET";
            Assert.True(keys.Any(k => k.StartsWith(verb) && (name.Length == 0 || k.EndsWith(" " + name))),
                $"{page}.{handler} has no row in the authorization matrix.");
        }
        Assert.True(pages.Count >= 15, $"Only {pages.Count} handlers found; the reflection filter is wrong.");
    }

    private static Outcome Classify(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.ToString() ?? "";
        if (response.IsRedirect() && location.Contains("/account/login", StringComparison.OrdinalIgnoreCase)) return Outcome.SignIn;
        if (response.IsRedirect() && location.Contains("/account/access-denied", StringComparison.OrdinalIgnoreCase)) return Outcome.Forbidden;
        return response.StatusCode switch
        {
            HttpStatusCode.Forbidden => Outcome.Forbidden,
            HttpStatusCode.NotFound => Outcome.NotFound,
            _ when (int)response.StatusCode < 400 => Outcome.Allowed,
            _ => throw new Xunit.Sdk.XunitException($"Unexpected {(int)response.StatusCode}"),
        };
    }

    private async Task<Scenario> ScenarioAsync(EntityMatrixApp.Actors actors)
    {
        var slug = $"m-{Guid.NewGuid():N}"[..20];
        var entity = await app.EntityAsync(slug, members:
            [(actors.Ids[Actor.Owner], EntityRole.Owner), (actors.Ids[Actor.Manager], EntityRole.Manager),
             (actors.Ids[Actor.Coordinator], EntityRole.Coordinator), (actors.TargetId, EntityRole.Coordinator)]);
        var tour = await app.TourAsync(entity.Id, $"t-{slug}", "Matrix tour");
        var stop = await app.EventAsync(entity.Id, $"{slug}-stop", startsAt: DateTimeOffset.UtcNow.AddDays(10), tourId: tour.Id);
        var loose = await app.EventAsync(entity.Id, $"{slug}-loose", startsAt: DateTimeOffset.UtcNow.AddDays(20));
        return new Scenario(entity.Id, slug, tour.Slug, stop.Id, loose.Id, actors.TargetId, actors.NewcomerEmail);
    }

    private async Task SetAsync(Guid entityId, bool verified = false, bool suspended = false)
    {
        await using var db = app.CreateDb();
        await db.Set<Entity>().Where(e => e.Id == entityId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.IsVerified, verified)
            .SetProperty(e => e.SuspendedAt, suspended ? DateTimeOffset.UtcNow : null)
            .SetProperty(e => e.SuspensionReason, suspended ? "Earlier problem" : null));
    }

    private async Task SuspendUserAsync(Guid userId)
    {
        await using var db = app.CreateDb();
        await db.Set<Showgeo.Web.Data.AppUser>().Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.SuspendedAt, DateTimeOffset.UtcNow)
            .SetProperty(u => u.SuspensionReason, "Earlier problem"));
    }
}

using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Entities;

/// <summary>
/// Every page handler in <see cref="PageHandlerCatalog"/>, asked by every kind of visitor, against the resources of
/// entity A. Each answer must be the catalog's outcome for that actor. A refused request must leave every table as it
/// was, and an allowed POST must change one (so the matrix cannot pass by everything quietly failing). The foreign
/// cases ask A's own team (or the fan) about entity B's event, ticket, order or file through A's pages: 404, 403 or a
/// refusal, and nothing written.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixApp app) : IClassFixture<MatrixApp>
{
    private static readonly Dictionary<string, HandlerCase> Cases = PageHandlerCatalog.All.ToDictionary(c => c.Name);

    public static TheoryData<string, Actor> Requests()
    {
        var data = new TheoryData<string, Actor>();
        foreach (var c in PageHandlerCatalog.All)
            foreach (var actor in Enum.GetValues<Actor>())
                data.Add(c.Name, actor);
        return data;
    }

    public static TheoryData<string> ForeignRequests()
    {
        var data = new TheoryData<string>();
        foreach (var c in PageHandlerCatalog.All.Where(c => c.Foreign is not null)) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Page_handler_answers_each_actor_exactly_as_the_catalog_says(string name, Actor actor)
    {
        var c = Cases[name];
        var expected = c.Expect(actor);
        var writes = c.Method == "POST" && expected == Outcome.Allowed && c.Writes;
        // A case that may change its world gets one of its own; the rest share one, which none of them may change.
        var world = writes || c.Prepare is not null ? await app.NewWorldAsync() : await app.SharedWorldAsync();
        if (c.Prepare is not null) await c.Prepare(app, world, actor);
        var (client, tokenSource) = c.FreshClient ? await app.FreshClientAsync(actor) : await app.ClientAsync(actor);
        try
        {
            await AssertAnswerAsync($"{name} as {actor}", c.Method, c.Url(world), c.FormFor(world, actor), client, tokenSource, expected, writes);
        }
        finally
        {
            if (c.FreshClient) client.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(ForeignRequests))]
    public async Task Page_handler_refuses_another_entitys_resource(string name)
    {
        var c = Cases[name];
        var probe = c.Foreign!;
        var world = await app.SharedWorldAsync();
        var (client, tokenSource) = await app.ClientAsync(probe.As);
        await AssertAnswerAsync($"{name} as {probe.As} on entity B's resource", c.Method, probe.Url(world), probe.Form?.Invoke(world),
            client, tokenSource, probe.Expect, writes: false);
    }

    private async Task AssertAnswerAsync(string what, string method, string url, FormBody? form, WebClient client,
        AngleSharp.Html.Dom.IHtmlDocument tokenSource, Outcome expected, bool writes)
    {
        await app.SettleAsync();
        var before = await app.DatabaseSnapshotAsync();
        using var response = await MatrixApp.SendAsync(client, tokenSource, method, url, form);
        var actual = Classify(response);
        var changed = (await app.DatabaseSnapshotAsync()).ChangedSince(before);

        // A refusal may come as the form back with its message, or as a redirect carrying it; either way nothing is written.
        var matches = actual == expected || (expected == Outcome.Refused && actual == Outcome.Allowed && changed.Count == 0);
        Assert.True(matches, $"{what}: expected {expected}, got {actual} ({(int)response.StatusCode} {response.Headers.Location}) for {method} {url}");
        if (writes)
            Assert.True(changed.Count > 0, $"{what} was allowed but changed nothing ({(int)response.StatusCode} {response.Headers.Location}).");
        else
            Assert.True(changed.Count == 0, $"{what} answered {(int)response.StatusCode} but changed {string.Join(", ", changed)}.");
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
            _ when (int)response.StatusCode < 500 => Outcome.Refused,
            _ => throw new Xunit.Sdk.XunitException($"Unexpected {(int)response.StatusCode}"),
        };
    }
}

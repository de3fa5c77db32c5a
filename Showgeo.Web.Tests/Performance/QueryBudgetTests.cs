using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using Xunit.Abstractions;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Performance;

/// <summary>No background work and no page cache: every query counted on its database is a page render's own.</summary>
public sealed class QueryBudgetApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Scheduling:Enabled"] = "false";
        settings["Outbox:Enabled"] = "false";
        settings["PageCache:Enabled"] = "false";
        return Task.CompletedTask;
    }
}

/// <summary>
/// Each public page issues a fixed number of queries, signed in and anonymous (rendered, not cached), whether it shows
/// one card or thirty; none reads the search document or numbers a whole table.
/// </summary>
public sealed class QueryBudgetTests(QueryBudgetApp app, ITestOutputHelper output) : IClassFixture<QueryBudgetApp>
{
    /// <summary>Queries per page: (anonymous, signed in).</summary>
    /// <summary>
    /// Queries per page: (anonymous, signed in). Every signed-in page adds the layout's four (unread count: three;
    /// cart badge: one). The event page carries the RSVP box, tickets, chat (room, messages, polls, reactions) and merch,
    /// one query each; the entity page its events (upcoming, past), tours, membership tiers and posts.
    /// </summary>
    private static readonly Dictionary<string, (int Anonymous, int SignedIn)> Budget = new()
    {
        ["event"] = (Anonymous: 9, SignedIn: 15),
        ["entity"] = (Anonymous: 8, SignedIn: 17),
        ["tour"] = (Anonymous: 3, SignedIn: 8),
        ["home"] = (Anonymous: 1, SignedIn: 6),
        ["discovery"] = (Anonymous: 1, SignedIn: 6),
    };

    private sealed record Measured(int Count, IReadOnlyList<string> Sql);

    private async Task<Measured> MeasureAsync(WebClient client, string url)
    {
        // Once to warm what a process does on its first request (model building, key ring), then the counted render.
        await client.GetAsync(url);
        using var counter = new SqlCommandCounter(app.ConnectionString);
        var page = await client.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.OK, page.Status);
        return new Measured(counter.Count, counter.Commands);
    }

    private async Task<Dictionary<(string Page, bool SignedIn), Measured>> MeasureAllAsync(
        WebClient anonymous, WebClient fan, IReadOnlyDictionary<string, string> urls)
    {
        var result = new Dictionary<(string, bool), Measured>();
        foreach (var (name, url) in urls)
        {
            result[(name, false)] = await MeasureAsync(anonymous, url);
            result[(name, true)] = await MeasureAsync(fan, url);
        }
        return result;
    }

    [Fact]
    public async Task QueryBudget_each_public_page_issues_the_same_few_queries_for_one_card_or_thirty()
    {
        var (fan, fanUser) = await app.SignedInUserAsync();
        using var _ = fan;
        using var anonymous = app.CreateClient();
        var entity = await app.EntityAsync(genres: ["jazz"]);
        var tour = await app.TourAsync(entity.Id);
        var e = await app.EventAsync(entity.Id, tourId: tour.Id, city: "Leeds", venue: "The Hall", isFree: true);
        await app.FollowAsync(fanUser.Id, entity.Id);
        var urls = new Dictionary<string, string>
        {
            ["event"] = $"/events/{e.Slug}", ["entity"] = $"/e/{entity.Slug}", ["tour"] = $"/tours/{tour.Slug}",
            ["home"] = "/", ["discovery"] = "/events",
        };

        var one = await MeasureAllAsync(anonymous, fan, urls);

        // Thirty cards everywhere: the entity's own events (its page, the tour), and events of other entities, some followed.
        for (var i = 0; i < 29; i++)
        {
            await app.EventAsync(entity.Id, tourId: tour.Id, city: "Leeds", startsAt: Arrange.DaysFromNow(2 + i));
            var other = await app.EntityAsync();
            await app.EventAsync(other.Id, city: "York", startsAt: Arrange.DaysFromNow(1 + i));
            if (i % 2 == 0) await app.FollowAsync(fanUser.Id, other.Id);
        }
        var thirty = await MeasureAllAsync(anonymous, fan, urls);

        foreach (var ((page, signedIn), measured) in one)
        {
            var many = thirty[(page, signedIn)];
            output.WriteLine($"{page} {(signedIn ? "signed in" : "anonymous")}: {measured.Count} / {many.Count}");
            foreach (var sql in many.Sql) output.WriteLine("    " + sql.ReplaceLineEndings(" "));
        }
        foreach (var ((page, signedIn), measured) in one)
        {
            var many = thirty[(page, signedIn)];
            var who = signedIn ? "signed in" : "anonymous";
            Assert.True(measured.Count == many.Count, $"{page} ({who}): {measured.Count} queries for one card, {many.Count} for thirty");
            Assert.Equal(signedIn ? Budget[page].SignedIn : Budget[page].Anonymous, many.Count);
            foreach (var sql in measured.Sql.Concat(many.Sql))
            {
                Assert.DoesNotContain("search_vector", sql);
                Assert.DoesNotContain("ROW_NUMBER", sql);
            }
        }
    }
}

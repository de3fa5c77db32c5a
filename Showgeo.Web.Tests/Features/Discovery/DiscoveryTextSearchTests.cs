using System.Text.RegularExpressions;
using Npgsql;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Discovery;

/// <summary>
/// A text search picks its page of ids from the listed-events date index alone, then reads the cards: the same rows,
/// order and pages as the listing without text, at a cost that no longer depends on how rare the words are.
/// </summary>
public sealed class DiscoveryTextSearchTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static string Tag() => "t" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// 50 matches in one city, 20 of them at the same moment (ties broken by id), with other events between them, plus
    /// matches elsewhere that a city filter drops.
    /// </summary>
    private async Task<(string Word, string City)> ArrangeAsync()
    {
        var t = Tag();
        var (word, city) = ("lumen" + t, "Searchton" + t);
        var entity = await app.EntityAsync("search-" + t, "Search " + t);
        var same = DaysFromNow(4);
        for (var i = 0; i < 50; i++)
        {
            await app.EventAsync(entity.Id, $"m{i}-{t}", $"Lumen{t} {i:00}", i < 20 ? same : DaysFromNow(5 + i), city);
            if (i % 5 == 0) await app.EventAsync(entity.Id, $"o{i}-{t}", $"Other {i:00}", DaysFromNow(5 + i), city);
        }
        await app.EventAsync(entity.Id, $"far-{t}", $"Lumen{t} far", DaysFromNow(6), "Elsewhere" + t);
        return (word, city);
    }

    private async Task<(List<string> Ids, List<string> Titles, int Pages)> AllPagesAsync(string url)
    {
        using var client = app.CreateClient();
        var (ids, titles, pages) = (new List<string>(), new List<string>(), 0);
        while (true)
        {
            var page = await client.GetAsync(url);
            var cards = page.Document.QuerySelectorAll("#event-results .event-card").ToList();
            ids.AddRange(cards.Select(c => c.GetAttribute("data-event-id")!));
            titles.AddRange(cards.Select(c => c.QuerySelector("h3")!.TextContent.Trim()));
            pages++;
            if (page.Document.QuerySelector("#results a[rel=next]")?.GetAttribute("href") is not { } next) break;
            url = next;
        }
        return (ids, titles, pages);
    }

    [Fact]
    public async Task Text_search_pages_through_many_matches_in_the_same_order_as_the_listing_without_text()
    {
        var (word, city) = await ArrangeAsync();

        // The listing without text takes the plain path; its matching cards, in its order, are what the search must show.
        var listing = await AllPagesAsync($"/events?city={city}");
        var expected = listing.Ids.Where((_, i) => listing.Titles[i].StartsWith(word, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(50, expected.Count);

        var inCity = await AllPagesAsync($"/events?q={word}&city={city}");
        Assert.Equal(3, inCity.Pages);
        Assert.Equal(expected, inCity.Ids);

        // Without the city the one match elsewhere joins, at its date: 51 matches, still three pages.
        var everywhere = await AllPagesAsync($"/events?q={word[..^2]}");
        Assert.Equal(3, everywhere.Pages);
        Assert.Equal(51, everywhere.Ids.Count);
        Assert.Equal(expected, everywhere.Ids.Where(expected.Contains));
        Assert.Equal(everywhere.Ids.Count, everywhere.Ids.Distinct().Count());
    }

    [Fact]
    public async Task Text_search_reads_its_page_of_ids_from_the_date_index_alone()
    {
        var (word, _) = await ArrangeAsync();
        using var client = app.CreateClient();
        CapturedCommand search;
        using (var counter = new SqlCommandCounter(app.ConnectionString))
        {
            var page = await client.GetAsync($"/events?q={word}&page=2");
            Assert.Equal(20, page.Document.QuerySelectorAll("#event-results .event-card").Length);
            search = Assert.Single(counter.Captured, c => c.Sql.Contains("search_vector"));
        }
        // The ids come from a subquery that pages in date order; the cards are read for those ids only.
        Assert.Matches(new Regex(@"\.id IN \(\s*SELECT \w+\.id\s+FROM events\b.*search_vector @@.*ORDER BY .*LIMIT .*OFFSET .*\)\s*ORDER BY", RegexOptions.Singleline), search.Sql);

        // The words are in the SQL itself, so a prepared statement's generic plan never stands in for them.
        Assert.Contains($"to_tsquery('simple', '{word}:*')", search.Sql);
        Assert.DoesNotContain(search.Parameters, p => p.Value as string == word + ":*");

        // With table scans, bitmaps and plain index scans ruled out, the events the ids come from can only be read by an
        // index-only scan, which exists only if that index holds every column the subquery tests (a few rows here would
        // otherwise tempt the planner into any plan at all).
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE events", conn)) await vacuum.ExecuteNonQueryAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexscan = off", conn)) await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + search.Sql, conn);
        foreach (var p in search.Parameters) explain.Parameters.Add(p.Clone());
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        Assert.True(plan.Any(line => line.Contains("Index Only Scan using ix_events_starts_at_id")),
            search.Sql + "\n" + string.Join("\n", plan));
    }
}

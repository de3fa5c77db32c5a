namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// The guard: every page handler the app has must have a case in <see cref="PageHandlerCatalog"/>, so no page escapes
/// the authorization matrix or the bad-input sweep; and every case must name a handler that still exists.
/// </summary>
public sealed class PageHandlerCatalogTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Every_page_handler_has_a_case_in_the_catalog()
    {
        var handlers = await PageHandlers.DiscoverAsync(app.Services);
        Assert.True(handlers.Count >= 80, $"Only {handlers.Count} page handlers found; the discovery is wrong.");
        var listed = PageHandlerCatalog.All.Select(c => c.Handler).ToHashSet(StringComparer.Ordinal);
        var missing = handlers.Where(h => !listed.Contains(h.Key)).ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} page handler(s) have no case in Showgeo.Web.Tests/Infrastructure/PageHandlerCatalog.cs. " +
            "Add to PageHandlerCatalog.All, with the outcome each actor must get (say `with { Public = true }` for a page anyone may use):\n" +
            string.Join("\n", missing.Select(PageHandlers.Suggestion)));
    }

    [Fact]
    public async Task Every_catalog_case_names_a_handler_that_exists_with_its_verb()
    {
        var handlers = (await PageHandlers.DiscoverAsync(app.Services)).ToDictionary(h => h.Key);
        var problems = PageHandlerCatalog.All
            .Select(c => handlers.TryGetValue(c.Handler, out var h)
                ? h.Method == c.Method ? null : $"{c.Name}: the handler answers {h.Method}, the case sends {c.Method}."
                : $"{c.Name}: no such page handler (renamed or removed?). Known: {string.Join(", ", handlers.Keys.Where(k => k.Split(':')[0] == c.Handler.Split(':')[0]))}")
            .OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var duplicates = PageHandlerCatalog.All.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Cases with the same name (give them a Variant): " + string.Join(", ", duplicates));
    }
}

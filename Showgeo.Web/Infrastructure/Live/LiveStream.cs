using Microsoft.AspNetCore.WebUtilities;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// What the page being rendered wants from the stream its layout opens. A feed's partial says where the page's
/// content stops (its cursor) and which values the stream needs (an event's room); the layout then writes one
/// <c>sse-connect</c> URL. Razor renders the page before its layout, so partials in the page can still add to it.
/// </summary>
public static class LiveStream
{
    private static readonly object Key = new();

    private sealed class Request
    {
        public LiveCursor Cursor { get; } = new();
        public SortedDictionary<string, string> Query { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// The page shows <paramref name="feed"/> up to <paramref name="cursor"/>: the stream replays from there, so
    /// nothing committed between rendering and connecting is lost.
    /// </summary>
    public static void Track(HttpContext http, string feed, long cursor, params (string Name, string Value)[] query)
    {
        if (!LiveCursor.IsFeedName(feed)) throw new ArgumentException("Feed names are lower-case letters.", nameof(feed));
        var request = For(http);
        request.Cursor.Advance(feed, cursor);
        foreach (var (name, value) in query) request.Query[name] = value;
    }

    /// <summary>The stream URL for this page, or null when nothing on it is live.</summary>
    public static string? Url(HttpContext http)
    {
        if (!http.Items.TryGetValue(Key, out var value) || value is not Request request) return null;
        var query = new Dictionary<string, string?>(request.Query.Select(q => KeyValuePair.Create(q.Key, (string?)q.Value)))
        {
            ["after"] = request.Cursor.ToString(),
        };
        return QueryHelpers.AddQueryString(LiveSetup.Path, query);
    }

    private static Request For(HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var value) && value is Request r) return r;
        var request = new Request();
        http.Items[Key] = request;
        return request;
    }
}

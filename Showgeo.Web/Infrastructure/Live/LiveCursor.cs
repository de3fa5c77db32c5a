using System.Text;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// Where a tab is in each feed, sent as every item's SSE id and carried back in <c>Last-Event-ID</c> or the stream
/// URL's <c>after</c> value: feed names followed by cursors, joined by dots ("n42.c17").
/// </summary>
public sealed class LiveCursor
{
    public const int MaxLength = 200;
    private readonly SortedDictionary<string, long> _positions = new(StringComparer.Ordinal);

    public long? this[string feed] => _positions.TryGetValue(feed, out var c) ? c : null;

    public IReadOnlyDictionary<string, long> Positions => _positions;

    public void Advance(string feed, long cursor)
    {
        if (!_positions.TryGetValue(feed, out var current) || cursor > current) _positions[feed] = cursor;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (feed, cursor) in _positions)
        {
            if (text.Length > 0) text.Append('.');
            text.Append(feed).Append(cursor);
        }
        return text.ToString();
    }

    /// <summary>An empty token is an empty cursor; false when the token is not one this stream wrote.</summary>
    public static bool TryParse(string? token, out LiveCursor cursor)
    {
        cursor = new LiveCursor();
        if (string.IsNullOrEmpty(token)) return true;
        if (token.Length > MaxLength) return false;
        foreach (var part in token.Split('.'))
        {
            var digits = 0;
            while (digits < part.Length && part[digits] is >= 'a' and <= 'z') digits++;
            if (digits == 0 || digits == part.Length) return false;
            var number = part.AsSpan(digits);
            foreach (var ch in number) if (ch is < '0' or > '9') return false;
            if (!long.TryParse(number, out var value)) return false;
            cursor._positions[part[..digits]] = value;
        }
        return true;
    }

    public static bool IsFeedName(string name) => name.Length > 0 && name.All(ch => ch is >= 'a' and <= 'z');
}

using System.Text;
using System.Text.RegularExpressions;

namespace Showgeo.Web.Features.Chat;

/// <summary>A run of a chat message as the panel shows it: plain text, or an http(s) link.</summary>
public readonly record struct ChatSegment(string Text, Uri? Link);

/// <summary>
/// How chat text is cleaned before it is stored and split for display. Razor encodes every segment; only absolute
/// http(s) URLs become links, everything else that looks like a URL (javascript:, data:, ftp:) stays text.
/// </summary>
public static partial class ChatText
{
    // Trailing punctuation usually ends the sentence, not the URL.
    [GeneratedRegex(@"https?://[^\s<>""'`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    /// <summary>
    /// Trims, turns line breaks and tabs into spaces and drops other control characters and the Unicode direction
    /// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which could make a message or a name read backwards
    /// or spill into its neighbours (https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters).
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\r' or '\n' or '\t') { if (sb.Length == 0 || sb[^1] != ' ') sb.Append(' '); }
            else if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C') continue;
            else sb.Append(c);
        }
        return sb.ToString().Trim();
    }

    public static IEnumerable<ChatSegment> Segments(string body)
    {
        var at = 0;
        foreach (Match m in UrlPattern().Matches(body))
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}');
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
                continue;
            if (m.Index > at) yield return new(body[at..m.Index], null);
            yield return new(url, uri);
            at = m.Index + url.Length;
        }
        if (at < body.Length) yield return new(body[at..], null);
    }
}

using System.Text;

namespace Showgeo.Web.Features.Posts;

/// <summary>Limits and the fixed sets of the posts feature, in one place for the pages, the service and the schema.</summary>
public static class PostRules
{
    public const int TitleMax = 200;
    public const int BodyMax = 20_000;
    public const int ExcerptMax = 300;
    public const int CommentMax = 2_000;
    /// <summary>Replies are indented up to this depth; deeper ones are shown at it with "replying to @name".</summary>
    public const int MaxShownDepth = 3;
    public const int ThreadsPerPage = 20;
    public const int FeedPageSize = 20;
    public const int ListPageSize = 20;
    /// <summary>Posts shown on the entity page.</summary>
    public const int NewestOnProfile = 3;

    /// <summary>The reactions a comment can get, as (stored kind, emoji, accessible name).</summary>
    public static readonly IReadOnlyList<(string Kind, string Emoji, string Name)> Reactions =
        [("heart", "❤️", "Love"), ("laugh", "😂", "Funny"), ("fire", "🔥", "Fire"), ("clap", "👏", "Applause")];

    public static bool IsReaction(string? kind) => Reactions.Any(r => r.Kind == kind);

    /// <summary>
    /// Keeps line breaks and tabs, drops other control characters and the Unicode direction overrides, embeddings and
    /// isolates (U+202A–U+202E, U+2066–U+2069, the marks U+200E/U+200F/U+061C), which could make text read backwards or
    /// spill into what follows it (https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters).
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\n' or '\t') sb.Append(c);
            else if (c == '\r') continue;
            else if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C') continue;
            else sb.Append(c);
        }
        return sb.ToString().Trim();
    }

    /// <summary><see cref="Clean"/> on one line: line breaks and tabs become single spaces (titles).</summary>
    public static string CleanLine(string? text) =>
        string.Join(' ', Clean(text).Split(['\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
}

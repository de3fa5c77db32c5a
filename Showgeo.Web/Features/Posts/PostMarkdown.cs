using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Html;

namespace Showgeo.Web.Features.Posts;

/// <summary>
/// A post body's Markdown as HTML. Markdig renders it with raw HTML disabled (typed HTML comes out as text,
/// https://github.com/xoofx/markdig), then HtmlSanitizer keeps only the tags and http(s)/mailto links Markdown itself
/// produces, as a second line of defence (https://github.com/mganss/HtmlSanitizer). Links get rel="nofollow ugc noopener";
/// images must be this app's own assets (the page's image policy allows nothing else anyway).
/// </summary>
public static partial class PostMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    private static readonly string[] Tags =
        ["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "sub", "sup", "code", "pre", "blockquote",
         "ul", "ol", "li", "a", "img"];

    [GeneratedRegex(@"^/assets/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnAsset();

    public const string LinkRel = "nofollow ugc noopener";

    /// <summary>The body's HTML, as stored with the post (rendering Markdown once, at save).</summary>
    public static string ToHtml(string markdown) => Sanitize(Markdown.ToHtml(markdown, Pipeline));

    /// <summary>
    /// Stored body HTML for a page. It is sanitised again on the way out, so whatever the column holds (a row written
    /// under an older policy, or by hand) reaches the page only through today's allow-list.
    /// </summary>
    public static HtmlString ForPage(string storedHtml) => new(Sanitize(storedHtml));

    private static string Sanitize(string html)
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(Tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href", "src", "alt", "title", "start"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(),
        });
        sanitizer.PostProcessDom += (_, e) =>
        {
            foreach (var a in e.Document.QuerySelectorAll("a").ToList())
            {
                a.SetAttribute("rel", LinkRel);
                a.RemoveAttribute("target");
            }
            foreach (var img in e.Document.QuerySelectorAll("img").ToList())
            {
                if (OwnAsset().IsMatch(img.GetAttribute("src") ?? "")) { img.SetAttribute("loading", "lazy"); continue; }
                img.Replace(e.Document.CreateTextNode(img.GetAttribute("alt") ?? ""));
            }
        };
        return sanitizer.Sanitize(html);
    }

    /// <summary>The body as plain text, cut to <see cref="PostRules.ExcerptMax"/> characters at a word.</summary>
    public static string Excerpt(string markdown)
    {
        var text = string.Join(' ', Markdown.ToPlainText(markdown, Pipeline).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= PostRules.ExcerptMax) return text;
        var cut = text[..(PostRules.ExcerptMax - 1)];
        var space = cut.LastIndexOf(' ');
        return (space > PostRules.ExcerptMax / 2 ? cut[..space] : cut) + "…";
    }
}

using AngleSharp.Html.Parser;
using Showgeo.Web.Features.Posts;

namespace Showgeo.Web.Tests.Features.Posts;

public sealed class PostMarkdownTests
{
    private static AngleSharp.Html.Dom.IHtmlDocument Render(string markdown) =>
        new HtmlParser().ParseDocument("<body>" + PostMarkdown.ToHtml(markdown) + "</body>");

    [Fact]
    public void Markdown_becomes_formatted_html_and_links_get_nofollow_ugc_noopener()
    {
        var doc = Render("# Tour news\n\nWe play **Leeds** on _Friday_. Tickets: [here](https://tickets.example/leeds)\n\n- one\n- two");
        Assert.Equal("Tour news", doc.QuerySelector("h1")?.TextContent);
        Assert.Equal("Leeds", doc.QuerySelector("strong")?.TextContent);
        Assert.Equal(2, doc.QuerySelectorAll("li").Length);
        var a = doc.QuerySelector("a")!;
        Assert.Equal("https://tickets.example/leeds", a.GetAttribute("href"));
        Assert.Equal("nofollow ugc noopener", a.GetAttribute("rel"));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    public void Raw_html_is_shown_as_text_never_as_markup(string html)
    {
        var doc = Render("Before " + html + " after");
        Assert.Empty(doc.QuerySelectorAll("script, iframe, svg, [onerror], [onload]"));
        Assert.DoesNotContain(doc.QuerySelectorAll("a"), a => (a.GetAttribute("href") ?? "").Contains("javascript", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("after", doc.Body!.TextContent);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click](vbscript:msgbox(1))")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[click][r]\n\n[r]: javascript:alert(1)")]
    public void Links_to_scripts_or_data_lose_their_address(string markdown)
    {
        var doc = Render(markdown);
        foreach (var a in doc.QuerySelectorAll("a"))
        {
            var href = a.GetAttribute("href") ?? "";
            Assert.False(href.Contains(':') && !href.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase),
                $"Unsafe link kept: {href}");
        }
    }

    [Theory]
    [InlineData("![x](https://tracker.example/pixel.png)")]
    [InlineData("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("![x](/assets/not-an-id)")]
    public void Images_other_than_own_assets_become_their_alt_text(string markdown)
    {
        var doc = Render(markdown);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Contains("x", doc.Body!.TextContent);
    }

    [Fact]
    public void An_image_from_the_apps_own_assets_is_kept()
    {
        var id = Guid.NewGuid();
        var img = Render($"![Poster](/assets/{id})").QuerySelector("img");
        Assert.Equal($"/assets/{id}", img?.GetAttribute("src"));
        Assert.Equal("Poster", img?.GetAttribute("alt"));
    }

    [Fact]
    public void Direction_overrides_and_control_characters_are_removed_and_line_breaks_kept()
    {
        Assert.Equal("abc\ndef", PostRules.Clean("a\u202Eb\u2066c\u0007\r\ndef\u200F"));
        Assert.Equal("A title here", PostRules.CleanLine("  A\ttitle\n here\u202E "));
    }

    [Fact]
    public void The_excerpt_is_plain_text_cut_at_a_word()
    {
        var excerpt = PostMarkdown.Excerpt("**Big** news: " + string.Join(' ', Enumerable.Repeat("word", 200)));
        Assert.StartsWith("Big news: word", excerpt);
        Assert.True(excerpt.Length <= PostRules.ExcerptMax);
        Assert.EndsWith("…", excerpt);
        Assert.DoesNotContain("**", excerpt);
    }
}

using Showgeo.Web.Features.Chat;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Chat;

/// <summary>What a message becomes in HTML: encoded text, http(s) links only, no direction tricks.</summary>
public sealed class ChatRenderingTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Markup_is_encoded_and_only_http_links_become_nofollow_links()
    {
        var s = await app.SceneAsync();
        await s.FanClient.SayAsync(s.Event, "<script>alert(1)</script> <img src=x onerror=alert(2)>");
        await s.ManagerClient.SayAsync(s.Event, "see https://example.com/set-list?a=1&b=2. and javascript:alert(3) and data:text/html,x");

        var page = await s.FanClient.GetAsync(s.Event.EventUrl());
        var bodies = page.Document.QuerySelectorAll("#chat-messages .chat-body");
        Assert.Equal("<script>alert(1)</script> <img src=x onerror=alert(2)>", bodies[0].TextContent);
        Assert.Empty(page.Document.QuerySelectorAll("#chat-messages script, #chat-messages img"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page.Html);

        var links = page.Document.QuerySelectorAll("#chat-messages .chat-body a");
        var link = Assert.Single(links);
        Assert.Equal("https://example.com/set-list?a=1&b=2", link.GetAttribute("href"));
        Assert.Equal("nofollow ugc noopener", link.GetAttribute("rel"));
        Assert.EndsWith(". and javascript:alert(3) and data:text/html,x", bodies[1].TextContent);
    }

    [Fact]
    public void Direction_overrides_and_control_characters_are_dropped_and_line_breaks_become_spaces()
    {
        Assert.Equal("evil gpj.exe", ChatText.Clean("\u202Eevil\u2066 gpj.exe\u2069\u200F"));
        Assert.Equal("a b c", ChatText.Clean(" a\r\nb\tc\u0007 "));
        Assert.Equal("", ChatText.Clean("\u202A\u202B\u202C"));
        Assert.Equal(["go ", "http://x.test/a", ")"], ChatText.Segments("go http://x.test/a)").Select(p => p.Text));
        Assert.All(ChatText.Segments("javascript:alert(1) ftp://x.test"), p => Assert.Null(p.Link));
    }

    [Fact]
    public async Task A_display_name_with_markup_and_direction_tricks_is_shown_as_plain_text()
    {
        var s = await app.SceneAsync(fanName: "<b onmouseover=alert(1)>\u202Enimda</b>");
        await s.FanClient.SayAsync(s.Event, "hi");
        var page = await s.ManagerClient.GetAsync(s.Event.EventUrl());
        Assert.Equal("<b onmouseover=alert(1)>nimda</b>", page.Document.QuerySelector("#chat-messages .chat-author")?.TextContent.Trim());
        Assert.Empty(page.Document.QuerySelectorAll("#chat-messages b"));
    }
}

using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Infrastructure;

public sealed class SecurityHeadersTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/events")]
    [InlineData("/no-such-page")]
    [InlineData("/css/site.css")]
    [InlineData("/healthz")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = app.CreateClient();
        using var response = await client.Http.GetAsync(path);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", SecurityHeaders.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe", SecurityHeaders.ContentSecurityPolicy);
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());
    }

    [Fact]
    public async Task The_htmx_config_turns_eval_script_tags_and_injected_styles_off()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/");
        var config = page.Document.QuerySelector("meta[name=htmx-config]")!.GetAttribute("content")!;
        Assert.Contains("\"allowEval\":false", config);
        Assert.Contains("\"allowScriptTags\":false", config);
        Assert.Contains("\"includeIndicatorStyles\":false", config);
        Assert.Contains("\"selfRequestsOnly\":true", config);
    }

    // Every page in Chromium under this policy: ContentSecurityPolicyWalkTests.
}

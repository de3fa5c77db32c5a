using Microsoft.Playwright;
using Showgeo.Web.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

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

    [Fact]
    public async Task A_browser_walking_the_pages_with_htmx_sees_no_policy_violation()
    {
        var tickets = await app.EventWithTicketsAsync();
        var fan = await app.UserAsync();
        await app.PaidOrderAsync(tickets, 1, fan);
        var tour = await app.TourAsync(tickets.Entity.Id);
        var pages = new[]
        {
            "/", "/events", $"/events/{tickets.Event.Slug}", $"/e/{tickets.Entity.Slug}", $"/tours/{tour.Slug}",
            "/me/tickets", "/me/profile", "/me/follows",
        };
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            var violations = new List<string>();
            page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
            page.PageError += (_, e) => violations.Add(e);
            await page.SignInAsync(fan);
            foreach (var path in pages)
            {
                await page.GotoAsync(path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            }
            // An htmx swap (the discovery filter) and a boosted navigation run under the policy too.
            await page.GotoAsync("/events");
            await page.GetByRole(AriaRole.Link, new() { Name = "Home" }).First.ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.Empty(violations);
        });
    }
}

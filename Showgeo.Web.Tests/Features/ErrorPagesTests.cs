using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features;

/// <summary>The app plus one endpoint that throws, reached only after the app's own pipeline found no match.</summary>
public sealed class ThrowingApp : ShowgeoApp
{
    public const string BoomPath = "/test-only/boom";
    public const string SecretDetail = "connection to secret-db-host refused";

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, BoomFilter>());

    private sealed class BoomFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            // Runs behind the app's exception handler, like a failing page would.
            app.Map(BoomPath, b => b.Run(_ => throw new InvalidOperationException(SecretDetail)));
        };
    }
}

public sealed class ErrorPagesTests(ThrowingApp app) : IClassFixture<ThrowingApp>
{
    [Fact]
    public async Task Unknown_url_shows_a_friendly_not_found_page_with_status_404()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Equal("Page not found", page.Document.QuerySelector("h1")?.TextContent.Trim());
        Assert.Contains("We could not find that page", page.Text);
        Assert.NotNull(page.Document.QuerySelector("header.site-header"));
    }

    [Fact]
    public async Task Error_page_for_500_shows_no_exception_details()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync("/error?code=500");

        Assert.Equal(HttpStatusCode.InternalServerError, page.Status);
        Assert.Contains("Something went wrong", page.Text);
        Assert.DoesNotContain("Exception", page.Html);
    }

    [Fact]
    public async Task Unhandled_exception_shows_the_friendly_page_without_stack_trace()
    {
        using var client = app.CreateClient();
        var page = await client.GetAsync(ThrowingApp.BoomPath);

        Assert.Equal(HttpStatusCode.InternalServerError, page.Status);
        Assert.Equal("Something went wrong", page.Document.QuerySelector("h1")?.TextContent.Trim());
        Assert.NotNull(page.Document.QuerySelector("code")); // the reference to quote to support
        Assert.DoesNotContain("Exception", page.Html);
        Assert.DoesNotContain(ThrowingApp.SecretDetail, page.Html);
        Assert.DoesNotContain("   at ", page.Html);
    }
}

using System.Net;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// X-Forwarded-* is honoured only from configured proxy networks. The tests connect from loopback, so an app that
/// trusts only 10.0.0.0/8 treats them as an untrusted remote, and one that trusts 127.0.0.0/8 as its proxy. HSTS makes
/// the outcome visible: it is sent only on HTTPS requests to a host other than localhost.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private sealed class AppTrusting(string? networks) : ShowgeoApp
    {
        protected override Task ConfigureAsync(IDictionary<string, string?> settings)
        {
            if (networks is not null) settings["Proxy:KnownNetworks"] = networks;
            return Task.CompletedTask;
        }
    }

    private static async Task<HttpResponseMessage> ForwardedAsync(ShowgeoApp app)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "showgeo.example");
        return await client.Http.SendAsync(request);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_remote_are_ignored()
    {
        var app = new AppTrusting("10.0.0.0/8");
        await app.InitializeAsync();
        try
        {
            using var response = await ForwardedAsync(app);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("127.0.0.0/8")]
    [InlineData(null)] // the default: loopback and private ranges
    public async Task Forwarded_headers_from_a_trusted_network_are_honoured(string? networks)
    {
        var app = new AppTrusting(networks);
        await app.InitializeAsync();
        try
        {
            using var response = await ForwardedAsync(app);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Contains("Strict-Transport-Security"));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_network_that_is_not_a_cidr_range_stops_startup_naming_the_setting()
    {
        var app = new AppTrusting("10.0.0.0/8, render");
        var ex = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
        Assert.Contains("Proxy:KnownNetworks", ex.ToString());
        await app.StopAsync();
        await TestDatabase.DropAsync(app.ConnectionString);
    }
}

/// <summary>ASP.NET Core host filtering reads <c>AllowedHosts</c>; a request for any other host gets 400.</summary>
public sealed class AllowedHostsTests : IAsyncLifetime
{
    private sealed class AppAllowing(string hosts) : ShowgeoApp
    {
        protected override Task ConfigureAsync(IDictionary<string, string?> settings)
        {
            settings["AllowedHosts"] = hosts;
            return Task.CompletedTask;
        }
    }

    private readonly AppAllowing _app = new("showgeo.example;*.onrender.com");

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    private async Task<HttpStatusCode> StatusForHostAsync(string? host)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        if (host is not null) request.Headers.Host = host;
        using var response = await client.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Only_configured_hosts_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusForHostAsync("showgeo.example"));
        Assert.Equal(HttpStatusCode.OK, await StatusForHostAsync("showgeo.onrender.com"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusForHostAsync("evil.example"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusForHostAsync(null)); // 127.0.0.1:port
    }

    [Fact]
    public async Task An_empty_setting_as_render_leaves_an_unanswered_prompt_answers_any_host()
    {
        var app = new AppAllowing("");
        await app.InitializeAsync();
        try
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
            request.Headers.Host = "anything.example";
            using var response = await client.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}

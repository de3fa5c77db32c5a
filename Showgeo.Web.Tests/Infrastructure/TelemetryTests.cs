using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>An OTLP/HTTP collector on loopback that only records what it is sent.</summary>
public sealed class FakeCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<(string Path, string ContentType, long Bytes)> Posts { get; } = new();
    public string BaseUrl { get; }

    private FakeCollector(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public static async Task<FakeCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeCollector? collector = null;
        app.MapPost("/v1/{signal}", async (HttpContext ctx, string signal) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            collector!.Posts.Enqueue(($"/v1/{signal}", ctx.Request.ContentType ?? "", body.Length));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        collector = new FakeCollector(app, address);
        return collector;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

public sealed class TelemetryApp : ShowgeoApp
{
    public FakeCollector Collector { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Collector = await FakeCollector.StartAsync();
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.BaseUrl;
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "300";
        settings["OTEL_BLRP_SCHEDULE_DELAY"] = "100";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Collector.DisposeAsync();
    }
}

public sealed class TelemetryTests(TelemetryApp app) : IClassFixture<TelemetryApp>
{
    [Fact]
    public async Task With_an_otlp_endpoint_set_requests_export_traces_metrics_and_logs_over_otlp_http()
    {
        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var page = await client.Http.GetAsync("/events");
            Assert.True(page.IsSuccessStatusCode);
        }
        await Eventually.TrueAsync(() => Task.FromResult(
                app.Collector.Posts.Any(p => p.Path == "/v1/traces" && p.Bytes > 0) && app.Collector.Posts.Any(p => p.Path == "/v1/metrics" && p.Bytes > 0)),
            "traces and metrics to reach the collector");
        Assert.All(app.Collector.Posts, p => Assert.Equal("application/x-protobuf", p.ContentType));
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported()
    {
        var plain = new ShowgeoApp();
        await plain.InitializeAsync();
        Assert.Null(plain.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        await plain.DisposeAsync();
    }
}

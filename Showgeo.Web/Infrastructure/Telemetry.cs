using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Traces, metrics and logs over OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard variable; the
/// other <c>OTEL_*</c> settings such as the protocol and headers work as documented at
/// https://opentelemetry.io/docs/specs/otel/protocol/exporter/). In Production, console logs are JSON, one object a line.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "showgeo";

    public static WebApplicationBuilder AddShowgeoTelemetry(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsProduction())
            builder.Logging.ClearProviders().AddJsonConsole(o => o.UseUtcTimestamp = true);

        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql"))
            .WithLogging()
            .UseOtlpExporter();
        return builder;
    }
}

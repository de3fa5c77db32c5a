using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Showgeo.Web.Data;

namespace Showgeo.Web.Infrastructure;

public static class WebSetup
{
    public static WebApplicationBuilder AddShowgeoWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.ConfigureFilter(new AutoValidateAntiforgeryTokenAttribute());
            o.Conventions.ConfigureFilter(new VaryOnHtmxFilter());
        }).AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false);
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = "RequestVerificationToken";
            o.Cookie.Name = "showgeo.af";
        });
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Render's proxies sit on addresses we cannot list in advance; the app is never exposed without them.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
        });
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication UseShowgeoPipeline(this WebApplication app)
    {
        app.UseShowgeoSecurityHeaders();
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/error", "?code={0}");
        app.MapStaticAssets();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseShowgeoRateLimits();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapShowgeoHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}

/// <summary>Ready when PostgreSQL answers and every embedded migration is applied unchanged.</summary>
internal sealed class DatabaseReadyCheck(MigrationRunner runner) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            return await runner.IsUpToDateAsync(MigrationRunner.Embedded(), ct)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("migrations pending");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}

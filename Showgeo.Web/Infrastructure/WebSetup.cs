using Microsoft.AspNetCore.Builder;
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
            o.Conventions.ConfigureFilter(new RejectNulCharactersFilter());
            o.Conventions.ConfigureFilter(new UnknownHandlerFilter());
        }).AddMvcOptions(o => o.ModelBinderProviders.Insert(0, new CheckboxBinderProvider()))
            .AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false);
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = "RequestVerificationToken";
            o.Cookie.Name = "showgeo.af";
        });
        var proxy = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        var trusted = proxy.Networks();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // X-Forwarded-* is honoured only from a connection whose peer is in a configured network; from anyone
            // else the headers are left alone and the request keeps its real address, scheme and host.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var network in trusted) o.KnownIPNetworks.Add(network);
        });
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<DatabaseOutageHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>(sp => sp.GetRequiredService<DatabaseOutageHandler>());
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication UseShowgeoPipeline(this WebApplication app)
    {
        app.UseShowgeoSecurityHeaders();
        app.UseDatabaseOutageFallback();
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error",
                // DatabaseOutageHandler turns an outage into a 503 and logs it once every few seconds, not per request.
                SuppressDiagnosticsCallback = c => DatabaseOutage.IsOutage(c.Exception),
            });
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/error", "?code={0}");
        app.MapStaticAssets();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseShowgeoRateLimits();
        // After authentication: the page cache serves and stores only anonymous requests (PageCache).
        app.UseOutputCache();
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

/// <summary>Which reverse proxies may set X-Forwarded-For, -Proto and -Host.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>
    /// Comma-separated CIDR ranges whose connections are trusted to forward. Render publishes no fixed addresses for
    /// its load balancers, which reach the service over its private network, so the default is loopback and the
    /// private ranges (RFC 1918 and IPv6 unique-local); the service has no public address of its own there.
    /// </summary>
    public string KnownNetworks { get; set; } = "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7";

    public IReadOnlyList<System.Net.IPNetwork> Networks()
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var part in KnownNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!System.Net.IPNetwork.TryParse(part, out var network))
                throw new RequiredSettingException($"{Section}:KnownNetworks", $"has '{part}', which is not a CIDR range such as 10.0.0.0/8.");
            networks.Add(network);
        }
        return networks;
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

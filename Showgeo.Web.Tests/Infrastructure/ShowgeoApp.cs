using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Showgeo.Web.Data;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// The real app on a real Kestrel port over its own cloned PostgreSQL database. Use as an xunit class fixture;
/// subclass and override <see cref="ConfigureAsync"/> to add settings (fake cloud servers, options).
/// </summary>
public class ShowgeoApp : IAsyncLifetime
{
    private readonly string? _sharedDatabase;
    private Factory? _factory;

    public ShowgeoApp() { }

    /// <summary>An instance on a database it neither creates nor drops: several instances can share one.</summary>
    protected ShowgeoApp(string sharedDatabase) => _sharedDatabase = sharedDatabase;

    public string ConnectionString { get; private set; } = "";
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _factory!.Services;

    /// <summary>Extra configuration for this app instance (keys use ':' separators).</summary>
    protected virtual Task ConfigureAsync(IDictionary<string, string?> settings) => Task.CompletedTask;

    /// <summary>The hosting environment; "Testing" behaves like Production (exception handler, no dev pages).</summary>
    protected virtual string EnvironmentName => "Testing";

    /// <summary>Set to run this instance on another instance's database (as a second server behind a load balancer).</summary>
    protected virtual string? SharedDatabase => _sharedDatabase;

    /// <summary>Last-resort hook for tests that must add to the host itself (for example a throwing endpoint).</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder) { }

    public virtual async Task InitializeAsync()
    {
        ConnectionString = SharedDatabase ?? await TestDatabase.CloneAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Showgeo"] = ConnectionString,
            ["Demo:Seed"] = "false",
            // appsettings.json's Information level outranks SetMinimumLevel; warnings and errors are what a
            // failing run needs, and a quieter log keeps the failure summary at the end of CI's output.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        // Tests sign in, register and upload far more often from loopback than any person would; the rate-limit
        // tests set small limits in their own ConfigureAsync.
        foreach (var limit in new[] { "SignInPerIp", "SignInPerAccount", "RegisterPerIp", "CheckoutPerUser", "UploadPerUser" })
            settings[$"RateLimits:{limit}PermitLimit"] = "100000";
        await ConfigureAsync(settings);
        _factory = new Factory(this, settings);
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
        if (SharedDatabase is null) await TestDatabase.DropAsync(ConnectionString);
    }

    /// <summary>Shuts the server down as a deploy or a crash-restart would, keeping its database.</summary>
    public async Task StopAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        _factory = null;
    }

    /// <summary>A cookie-keeping client that does not follow redirects, so tests see exactly what the server sent.</summary>
    public WebClient CreateClient() => new(BaseAddress);

    /// <summary>A fresh DbContext on this app's database, for arranging and asserting rows.</summary>
    public ShowgeoDb CreateDb() =>
        new(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(ConnectionString).Options);

    /// <summary>Runs <paramref name="work"/> in a DI scope of the running app (UserManager, services…).</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private sealed class Factory(ShowgeoApp app, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(app.EnvironmentName);
            // Outside Development the static-assets manifest only exists in publish output; tests run from the build.
            builder.UseStaticWebAssets();
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
            // Pooled contexts keep their command logger, which re-checks for diagnostic listeners only once a second by
            // default; SqlCommandCounter subscribes per request, so the check runs every time in tests.
            builder.ConfigureServices(s => s.ConfigureDbContext<ShowgeoDb>(o => o.ConfigureLoggingCacheTime(TimeSpan.Zero)));
            app.ConfigureWebHost(builder);
        }
    }
}

public static class HttpStatus
{
    public static bool IsRedirect(this HttpResponseMessage r) =>
        r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect or HttpStatusCode.MovedPermanently;
}

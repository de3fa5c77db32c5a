using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Showgeo.Web.Data;

public static class DataSetup
{
    public static WebApplicationBuilder AddShowgeoData(this WebApplicationBuilder builder)
    {
        var options = DatabaseOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => DataSources.Queries(options.ConnectionString));
        builder.Services.AddKeyedSingleton(DataSources.SessionKey, (_, _) => DataSources.Sessions(options.ConnectionString));
        // Pooled: the context takes nothing but its options, so a request reuses a reset instance instead of building
        // one (https://learn.microsoft.com/ef/core/performance/advanced-performance-topics#dbcontext-pooling).
        builder.Services.AddDbContextPool<ShowgeoDb>((sp, db) => db.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
            .AddInterceptors(Features.Discovery.SearchWordsInliner.Instance));
        builder.Services.AddSingleton(sp => new MigrationRunner(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSources.SessionKey), sp.GetRequiredService<ILogger<MigrationRunner>>()));

        builder.Services.AddOptions<DemoDataOptions>().Bind(builder.Configuration.GetSection(DemoDataOptions.Section));
        builder.Services.AddScoped<DemoData>();
        // Registered first so the schema exists before anything else (Data Protection, seeding) touches it.
        builder.Services.AddHostedService<DatabaseStartup>();

        builder.Services.AddDataProtection().SetApplicationName("Showgeo");
        var encryption = builder.Configuration.GetSection(KeyEncryptionOptions.Section).Get<KeyEncryptionOptions>() ?? new();
        var kek = encryption.Key() is { } bytes ? new KeyEncryptionKey(bytes) : null;
        // Keys written before the setting existed stay readable: only elements marked encrypted go to the decryptor.
        if (kek is not null) builder.Services.AddSingleton(kek);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                o.XmlRepository = new DbXmlRepository(sp.GetRequiredService<IServiceScopeFactory>());
                if (kek is not null) o.XmlEncryptor = new AesGcmXmlEncryptor(kek);
            }));
        return builder;
    }
}

/// <summary>Migrates on startup (before Kestrel accepts requests) and optionally loads demo data.</summary>
internal sealed class DatabaseStartup(MigrationRunner runner, IServiceScopeFactory scopes, IOptions<DemoDataOptions> demo) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await runner.ApplyAsync(MigrationRunner.Embedded(), ct);
        if (demo.Value.Seed)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync(ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

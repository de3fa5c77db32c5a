using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>
/// The app with its uploads in <paramref name="store"/>, which goes away with the app's database. An app on the S3
/// fake does not start when its tests are skipped (<see cref="S3Fake.SkipReason"/>).
/// </summary>
public abstract class StoreBackedApp(TestAssetStore store) : ShowgeoApp, IAsyncLifetime
{
    private bool _started;

    public TestAssetStore Store => store;

    /// <summary>Everything the store holds now.</summary>
    public Task<string[]> StoredAsync() => store.KeysAsync();

    protected sealed override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await store.ConfigureAsync(settings);
        ConfigureAssets(settings);
    }

    /// <summary>Asset limits and quotas for this app.</summary>
    protected virtual void ConfigureAssets(IDictionary<string, string?> settings) { }

    // Re-implements the interface: ShowgeoApp's own start and stop, plus the store's lifetime.
    async Task IAsyncLifetime.InitializeAsync()
    {
        if (this is IS3App && S3Fake.SkipReason is not null) return;
        await InitializeAsync();
        _started = true;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_started) await DisposeAsync();
        await store.DisposeAsync();
    }
}

/// <summary><see cref="AssetsApp"/>'s limits with the uploads in a bucket of the S3 fake.</summary>
public sealed class S3AssetsApp() : StoreBackedApp(new S3TestStore()), IS3App
{
    public string Bucket => ((S3TestStore)Store).Bucket;

    protected override void ConfigureAssets(IDictionary<string, string?> settings) =>
        settings["Assets:MaxImageBytes"] = AssetsApp.MaxImageBytes.ToString();
}

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>Where a test app keeps its uploads, and what it holds: a temporary directory, or a fresh bucket in the S3 fake.</summary>
public abstract class TestAssetStore
{
    public abstract Task ConfigureAsync(IDictionary<string, string?> settings);

    /// <summary>Everything stored (for the disk, temporary files included), in a stable order.</summary>
    public abstract Task<string[]> KeysAsync();

    public abstract Task DisposeAsync();
}

public sealed class DiskTestStore(string prefix) : TestAssetStore
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");

    public override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Assets:Root"] = Root;
        return Task.CompletedTask;
    }

    public override Task<string[]> KeysAsync() => Task.FromResult(Directory.Exists(Root)
        ? Directory.GetFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
        : []);

    public override Task DisposeAsync()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class S3TestStore : TestAssetStore
{
    public string Bucket { get; private set; } = "";

    public override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Bucket = await S3Fake.CreateBucketAsync();
        S3Fake.Configure(settings, Bucket);
    }

    public override Task<string[]> KeysAsync() => S3Fake.KeysAsync(Bucket);

    public override async Task DisposeAsync()
    {
        if (Bucket.Length > 0) await S3Fake.DeleteBucketAsync(Bucket);
    }
}

namespace Showgeo.Web.Features.Assets;

/// <summary>Keeps the bytes of assets. Keys are opaque strings chosen by the store.</summary>
public interface IAssetStore
{
    /// <summary>Writes <paramref name="content"/> and returns its key and length. A failed write leaves nothing behind.</summary>
    Task<StoredFile> SaveAsync(Stream content, string extension, CancellationToken ct = default);

    /// <summary>
    /// Opens the <paramref name="length"/> bytes stored under <paramref name="key"/> as a seekable stream (range
    /// requests seek), or null when the key holds nothing. A remote store may fetch nothing until the first read, so
    /// an answer that needs no body (304, HEAD) costs no round trip; its reads then throw
    /// <see cref="FileNotFoundException"/> if the key holds nothing.
    /// </summary>
    Task<Stream?> OpenAsync(string key, long length, CancellationToken ct = default);

    /// <summary>Removes the bytes; a missing key is not an error. A store that cannot remove them throws <see cref="IOException"/>.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);
}

public sealed record StoredFile(string Key, long Length);

/// <summary>Stores files under a root directory (a Render disk in production), spread over 256 sub-directories.</summary>
public sealed class LocalFileAssetStore : IAssetStore
{
    private readonly string _root;

    public LocalFileAssetStore(string root)
    {
        _root = root;
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
    }

    public string Root => _root;

    public async Task<StoredFile> SaveAsync(Stream content, string extension, CancellationToken ct = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var key = $"{id[..2]}/{id}{extension.ToLowerInvariant()}";
        // Written under a temporary name and moved into place, so a half-written file never has a key.
        var temp = Path.Combine(_root, "tmp", id + ".part");
        try
        {
            long length;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, ct);
                length = file.Length;
            }
            var final = PathOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(temp, final);
            return new StoredFile(key, length);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task<Stream?> OpenAsync(string key, long length, CancellationToken ct = default)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true)
            : null);
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        // Keys come from our own rows, but a key must never reach outside the root.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The asset key points outside the store.", nameof(key));
        return path;
    }
}

using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Assets;

/// <summary>What a caller hands to <see cref="AssetService.UploadAsync"/>. <see cref="Content"/> must be seekable (an IFormFile stream is).</summary>
public sealed record AssetUpload(Stream Content, long Length, string FileName, string ContentType, Guid OwnerUserId, Guid? EntityId = null, bool IsPrivate = false)
{
    public static AssetUpload From(IFormFile file, Guid ownerUserId, Guid? entityId = null, bool isPrivate = false) =>
        new(file.OpenReadStream(), file.Length, file.FileName, file.ContentType ?? "", ownerUserId, entityId, isPrivate);
}

public sealed record AssetUploadResult(Asset? Asset, string? Error)
{
    public bool Succeeded => Asset is not null;
}

/// <summary>
/// The one way files enter and leave Showgeo: checks type, size and content, stores the bytes, records the row, and on
/// delete removes row, references and file. Pages of any feature (profiles, entity media, event art) call it.
/// </summary>
public sealed class AssetService(ShowgeoDb db, IAssetStore store, IOptions<AssetOptions> options, EntityAccess access,
    TimeProvider clock, ILogger<AssetService> log)
{
    public static readonly AssetKind[] ImagesOnly = [AssetKind.Image];
    public static readonly AssetKind[] AnyKind = Enum.GetValues<AssetKind>();

    public static string UrlFor(Guid assetId) => $"/assets/{assetId}";

    /// <summary>
    /// Validates and stores an upload. On success the row is committed together with whatever <paramref name="beforeCommit"/>
    /// changes on this same DbContext (e.g. pointing a profile at the new avatar). On any refusal or failure nothing is
    /// kept: no row, no file.
    /// </summary>
    public async Task<AssetUploadResult> UploadAsync(AssetUpload upload, IReadOnlyCollection<AssetKind> allowedKinds,
        Func<Asset, Task>? beforeCommit = null, CancellationToken ct = default)
    {
        var (type, error) = await CheckAsync(upload, allowedKinds, ct);
        if (type is null) return new(null, error);
        // An early answer so a plainly over-quota file never reaches the store; the binding check is the locked one below.
        if (await OverQuotaAsync(upload, upload.Length, ct) is { } early) return new(null, early);

        upload.Content.Position = 0;
        var stored = await store.SaveAsync(upload.Content, Path.GetExtension(upload.FileName), ct);
        try
        {
            if (stored.Length > options.Value.MaxBytes(type.Kind))
            {
                await store.DeleteAsync(stored.Key, ct);
                return new(null, TooLarge(type, stored.Length));
            }

            var asset = new Asset
            {
                Id = Guid.NewGuid(),
                OwnerUserId = upload.OwnerUserId,
                EntityId = upload.EntityId,
                Kind = type.Kind,
                ContentType = type.ContentType,
                FileName = SafeFileName(upload.FileName),
                SizeBytes = stored.Length,
                StorageKey = stored.Key,
                IsPrivate = upload.IsPrivate,
                CreatedAt = clock.GetUtcNow(),
            };
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // One transaction-scoped lock serialises every upload's quota check with its insert, across instances:
            // two concurrent uploads cannot both see room that only one of them fits in. The total quota spans all
            // accounts, so a per-entity lock would not be enough. Released at commit or rollback.
            // https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({QuotaLockKey})", ct);
            if (await OverQuotaAsync(upload, stored.Length, ct) is { } over)
            {
                await tx.RollbackAsync(ct);
                await store.DeleteAsync(stored.Key, ct);
                return new(null, over);
            }
            db.Add(asset);
            if (beforeCommit is not null) await beforeCommit(asset);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new(asset, null);
        }
        catch
        {
            await store.DeleteAsync(stored.Key, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Removes the asset's row, every reference to it (avatars, banners, event art) and then its file.</summary>
    public async Task DeleteAsync(Guid assetId, CancellationToken ct = default)
    {
        var key = await db.Set<Asset>().Where(a => a.Id == assetId).Select(a => a.StorageKey).FirstOrDefaultAsync(ct);
        if (key is null) return;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Set<AppUser>().Where(u => u.AvatarAssetId == assetId)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.AvatarAssetId, (Guid?)null), ct);
            await db.Set<Entity>().Where(e => e.AvatarAssetId == assetId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.AvatarAssetId, (Guid?)null), ct);
            await db.Set<Entity>().Where(e => e.BannerAssetId == assetId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.BannerAssetId, (Guid?)null), ct);
            await db.Set<Event>().Where(e => e.ArtAssetId == assetId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.ArtAssetId, (Guid?)null), ct);
            await db.Set<Asset>().Where(a => a.Id == assetId).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        // After the commit: a crash here leaves an orphan file, never a row pointing at nothing.
        try
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
        catch (IOException ex)
        {
            log.LogWarning(ex, "Asset {AssetId} was deleted but its file {Key} could not be removed", assetId, key);
        }
    }

    /// <summary>
    /// Deletes every asset of an entity, files included. Call it before deleting the entity: the database cascade
    /// removes the rows but cannot remove files.
    /// </summary>
    public async Task DeleteAllForEntityAsync(Guid entityId, CancellationToken ct = default)
    {
        var ids = await db.Set<Asset>().Where(a => a.EntityId == entityId).Select(a => a.Id).ToListAsync(ct);
        foreach (var id in ids) await DeleteAsync(id, ct);
    }

    /// <summary>Public assets: anyone. Private: the uploader, or a member of the owning entity who may manage its profile.</summary>
    public async Task<bool> CanReadAsync(Asset asset, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!asset.IsPrivate) return true;
        var userId = EntityAccess.UserId(user);
        if (userId is null) return false;
        if (userId == asset.OwnerUserId) return true;
        return asset.EntityId is { } entityId && await access.CanAsync(entityId, user, EntityPermission.ManageProfile, ct);
    }

    public Task<Stream?> OpenAsync(Asset asset, CancellationToken ct = default) => store.OpenAsync(asset.StorageKey, asset.SizeBytes, ct);

    private async Task<(AssetType? Type, string? Error)> CheckAsync(AssetUpload upload, IReadOnlyCollection<AssetKind> allowedKinds, CancellationToken ct)
    {
        var allowed = AssetTypes.DescribeAllowed(allowedKinds);
        if (upload.Length <= 0) return (null, "Choose a file to upload (the file was empty).");

        var extension = Path.GetExtension(upload.FileName).ToLowerInvariant();
        var declared = upload.ContentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (extension == ".svg" || declared == "image/svg+xml")
            return (null, $"SVG images are not accepted because they can carry scripts. Upload one of: {allowed}.");

        // Some browsers send no type (or octet-stream) for files they do not know; the name then decides.
        var type = declared is "" or "application/octet-stream"
            ? AssetTypes.ByExtension(extension)
            : AssetTypes.ByContentType(declared);
        if (type is null)
            return (null, $"This type of file ({Describe(declared, extension)}) is not accepted. Upload one of: {allowed}.");
        if (!type.Extensions.Contains(extension))
            return (null, $"The file name \"{SafeFileName(upload.FileName)}\" does not fit a {type.Label}; its name should end in {string.Join(" or ", type.Extensions)}.");
        if (!allowedKinds.Contains(type.Kind))
            return (null, $"A {type.Label} cannot be used here. Upload one of: {allowed}.");
        if (upload.Length > options.Value.MaxBytes(type.Kind))
            return (null, TooLarge(type, upload.Length));

        if (!upload.Content.CanSeek) throw new ArgumentException("Upload content must be seekable.", nameof(upload));
        upload.Content.Position = 0;
        var header = new byte[AssetTypes.HeaderLength];
        var read = await upload.Content.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
        var head = header.AsMemory(0, read);
        if (!type.Matches(head))
            return (null, $"The file's content is not a {type.Label} (it looks like {Sniff(head)}), so it was not uploaded.");
        return (type, null);
    }

    private static readonly long QuotaLockKey = PostgresAdvisoryMutex.LockId("assets.quota");

    /// <summary>Why adding <paramref name="length"/> bytes would exceed the entity's, the uploader's or the store's quota; null if it fits.</summary>
    private async Task<string?> OverQuotaAsync(AssetUpload upload, long length, CancellationToken ct)
    {
        var o = options.Value;
        var assets = db.Set<Asset>().AsNoTracking();
        var entity = upload.EntityId is { } entityId
            ? await assets.Where(a => a.EntityId == entityId).SumAsync(a => (long?)a.SizeBytes, ct) ?? 0 : 0;
        var user = await assets.Where(a => a.OwnerUserId == upload.OwnerUserId).SumAsync(a => (long?)a.SizeBytes, ct) ?? 0;
        var total = await assets.SumAsync(a => (long?)a.SizeBytes, ct) ?? 0;
        if (upload.EntityId is not null && entity + length > o.EntityQuotaBytes)
            return $"This upload would exceed the storage this page may use ({Size(o.EntityQuotaBytes)}; {Size(entity)} used). Delete some files first.";
        if (user + length > o.UserQuotaBytes)
            return $"This upload would exceed your storage allowance ({Size(o.UserQuotaBytes)}; {Size(user)} used). Delete some files first.";
        if (total + length > o.TotalQuotaBytes)
            return "Showgeo's file storage is full, so this file was not uploaded. Please try again later.";
        return null;
    }

    private string TooLarge(AssetType type, long length) =>
        $"The file is {Size(length)}; a {type.Label} may be at most {Size(options.Value.MaxBytes(type.Kind))}.";

    private static string Describe(string declared, string extension) =>
        string.Join(", ", new[] { declared, extension }.Where(s => s.Length > 0)) is { Length: > 0 } s ? s : "unknown";

    private static string Sniff(ReadOnlyMemory<byte> head)
    {
        if (head.Length >= 2 && head.Span[0] == (byte)'M' && head.Span[1] == (byte)'Z') return "a Windows program";
        return AssetTypes.All.FirstOrDefault(t => t.Matches(head)) is { } actual ? $"a {actual.Label}" : "something else";
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        >= 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => bytes + " bytes",
    };

    private static string SafeFileName(string name)
    {
        var bare = Path.GetFileName(name.Replace('\\', '/'));
        var clean = new string(bare.Where(c => !char.IsControl(c) && c != '"').ToArray()).Trim();
        if (clean.Length == 0) clean = "file";
        return clean.Length <= 255 ? clean : clean[..200] + Path.GetExtension(clean)[..Math.Min(Path.GetExtension(clean).Length, 55)];
    }
}

using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Assets;

/// <summary>Where uploaded bytes live and how large each kind may be. Bound from the <c>Assets</c> section.</summary>
public sealed class AssetOptions
{
    public const string Section = "Assets";

    /// <summary>
    /// <c>Disk</c> (the default): files under <see cref="Root"/>, which pins the app to the one instance that has the
    /// disk. <c>S3</c>: objects in the bucket <see cref="S3AssetStoreOptions"/> names, shared by every instance.
    /// </summary>
    public string Storage { get; set; } = DiskStorage;

    public const string DiskStorage = "Disk";
    public const string S3Storage = "S3";

    public bool UsesS3 => string.Equals(Storage, S3Storage, StringComparison.OrdinalIgnoreCase);

    /// <summary>Directory of the local store. Relative paths are taken from the content root; on Render, a disk mount.</summary>
    public string Root { get; set; } = "../.data/assets";

    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;
    public long MaxAudioBytes { get; set; } = 50 * 1024 * 1024;
    public long MaxVideoBytes { get; set; } = 200 * 1024 * 1024;
    public long MaxDocumentBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Most bytes one entity's files may take together; the Render disk is small and shared by every account.</summary>
    public long EntityQuotaBytes { get; set; } = 250L * 1024 * 1024;
    /// <summary>Most bytes the files one user uploaded (for any entity or their own profile) may take together.</summary>
    public long UserQuotaBytes { get; set; } = 300L * 1024 * 1024;
    /// <summary>Most bytes the whole store may hold; below the disk size so the disk never fills (with S3, what you are willing to pay for).</summary>
    public long TotalQuotaBytes { get; set; } = 900L * 1024 * 1024;

    public long MaxBytes(AssetKind kind) => kind switch
    {
        AssetKind.Image => MaxImageBytes,
        AssetKind.Audio => MaxAudioBytes,
        AssetKind.Video => MaxVideoBytes,
        AssetKind.Document => MaxDocumentBytes,
        _ => 0,
    };

    /// <summary>The request-body ceiling for a form that may carry any of <paramref name="kinds"/>, with room for the other fields.</summary>
    public long RequestLimit(params AssetKind[] kinds) => kinds.Max(MaxBytes) + 1024 * 1024;

    public void Validate()
    {
        if (!UsesS3 && !string.Equals(Storage, DiskStorage, StringComparison.OrdinalIgnoreCase))
            throw new RequiredSettingException("Assets:Storage", $"must be {DiskStorage} (files on a local disk, the default) or {S3Storage} (an S3-compatible bucket); '{Storage}' is neither.");
        if (!UsesS3 && string.IsNullOrWhiteSpace(Root))
            throw new RequiredSettingException("Assets:Root", "is required (a directory for uploaded files).");
        foreach (var kind in Enum.GetValues<AssetKind>())
            if (MaxBytes(kind) <= 0)
                throw new RequiredSettingException($"Assets:Max{kind}Bytes", "must be a positive number of bytes.");
        foreach (var (name, value) in new[] { ("EntityQuotaBytes", EntityQuotaBytes), ("UserQuotaBytes", UserQuotaBytes), ("TotalQuotaBytes", TotalQuotaBytes) })
            if (value <= 0)
                throw new RequiredSettingException($"Assets:{name}", "must be a positive number of bytes.");
    }

    public string ResolveRoot(string contentRoot) => Path.GetFullPath(Path.Combine(contentRoot, Root));
}

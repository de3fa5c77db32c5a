using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Assets;

/// <summary>
/// The S3-compatible bucket that holds uploads when <c>Assets:Storage</c> is <c>S3</c>: AWS S3 (a region, no service
/// URL), Cloudflare R2 or Supabase Storage (their S3 endpoint as the service URL). Bound from <c>Assets:S3</c>.
/// </summary>
public sealed class S3AssetStoreOptions
{
    public const string Section = "Assets:S3";

    public string Bucket { get; set; } = "";

    /// <summary>The S3 endpoint of a non-AWS service, e.g. <c>https://&lt;account&gt;.r2.cloudflarestorage.com</c>; empty for AWS.</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>The AWS region; with a service URL the region requests are signed for (R2: <c>auto</c>), default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "";

    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";

    /// <summary>Address buckets as <c>endpoint/bucket/key</c> rather than <c>bucket.endpoint/key</c> (Supabase, MinIO and most self-hosted servers need it).</summary>
    public bool ForcePathStyle { get; set; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
            throw new RequiredSettingException($"{Section}:Bucket", "is required when Assets:Storage is S3 (the bucket that holds uploaded files).");
        if (ServiceUrl.Length > 0
            && !(Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            throw new RequiredSettingException($"{Section}:ServiceUrl", $"must be an absolute http(s) URL (the S3 endpoint); '{ServiceUrl}' is not.");
        if (ServiceUrl.Length == 0 && string.IsNullOrWhiteSpace(Region))
            throw new RequiredSettingException($"{Section}:Region", $"is required when {Section}:ServiceUrl is not set (the AWS region of the bucket, e.g. eu-west-1).");
        if (string.IsNullOrWhiteSpace(AccessKey))
            throw new RequiredSettingException($"{Section}:AccessKey", $"is required when Assets:Storage is S3 (with {Section}:SecretKey).");
        if (string.IsNullOrWhiteSpace(SecretKey))
            throw new RequiredSettingException($"{Section}:SecretKey", $"is required when Assets:Storage is S3 (with {Section}:AccessKey).");
    }
}

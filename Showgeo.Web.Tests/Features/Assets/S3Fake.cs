using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>
/// The S3 fake that .ci/test starts (s3rver on loopback, its URL in SHOWGEO_TEST_S3), reached through the real AWS
/// SDK the app uses. Each test app gets a bucket of its own.
/// </summary>
public static class S3Fake
{
    // s3rver's built-in credentials; it checks the signature of every request made with them.
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    public static string? Url => Environment.GetEnvironmentVariable("SHOWGEO_TEST_S3") is { Length: > 0 } url ? url : null;

    /// <summary>
    /// Why tests that need the fake are skipped, or null when they run. CI sets SHOWGEO_REQUIRE_BROWSER=1 and must run
    /// everything, so there a missing fake fails those tests instead of skipping them.
    /// </summary>
    public static string? SkipReason =>
        Url is null && Environment.GetEnvironmentVariable("SHOWGEO_REQUIRE_BROWSER") != "1"
            ? "SHOWGEO_TEST_S3 is not set; run the tests through .ci/test, which starts an S3 fake."
            : null;

    public static string RequiredUrl => Url ?? throw new InvalidOperationException(
        "SHOWGEO_TEST_S3 is not set but SHOWGEO_REQUIRE_BROWSER=1 requires the S3 tests: run them through .ci/test, which starts s3rver and sets it.");

    public static AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = RequiredUrl,
        AuthenticationRegion = Region,
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>The settings that point an app at <paramref name="bucket"/> in the fake, as an operator would for R2 or Supabase.</summary>
    public static void Configure(IDictionary<string, string?> settings, string bucket)
    {
        settings["Assets:Storage"] = "S3";
        settings["Assets:S3:Bucket"] = bucket;
        settings["Assets:S3:ServiceUrl"] = RequiredUrl;
        settings["Assets:S3:Region"] = Region;
        settings["Assets:S3:AccessKey"] = AccessKey;
        settings["Assets:S3:SecretKey"] = SecretKey;
        settings["Assets:S3:ForcePathStyle"] = "true";
    }

    public static async Task<string> CreateBucketAsync()
    {
        var bucket = "showgeo-" + Guid.NewGuid().ToString("N")[..16];
        using var s3 = Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    public static async Task<string[]> KeysAsync(string bucket)
    {
        using var s3 = Client();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            // SDK 4 leaves an empty list null.
            keys.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return [.. keys.Order(StringComparer.Ordinal)];
    }

    public static async Task<byte[]?> ReadAsync(string bucket, string key)
    {
        using var s3 = Client();
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes);
            return bytes.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
        {
            return null;
        }
    }

    public static async Task DeleteObjectAsync(string bucket, string key)
    {
        using var s3 = Client();
        await s3.DeleteObjectAsync(bucket, key);
    }

    public static async Task DeleteBucketAsync(string bucket)
    {
        using var s3 = Client();
        foreach (var key in await KeysAsync(bucket)) await s3.DeleteObjectAsync(bucket, key);
        await s3.DeleteBucketAsync(bucket);
    }
}

/// <summary>Marks a test app whose uploads go to the S3 fake; <see cref="StoreFactAttribute"/> skips its tests without one.</summary>
public interface IS3App;

using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Showgeo.Web.Features.Assets;

/// <summary>
/// Stores files as objects in one S3-compatible bucket, so every instance of the app sees the same files. Objects are
/// private to the bucket's credentials: the app streams them after its own access check, exactly as from the disk.
/// </summary>
public sealed class S3AssetStore(IAmazonS3 s3, string bucket) : IAssetStore, IDisposable
{
    public static S3AssetStore Create(S3AssetStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // SDK 4 adds CRC checksums (aws-chunked bodies with trailers) to every request by default; several
            // S3-compatible services reject those. Only where an operation requires them:
            // https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl.Length > 0)
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region.Length > 0 ? options.Region : "us-east-1";
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return new S3AssetStore(new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config), options.Bucket);
    }

    public async Task<StoredFile> SaveAsync(Stream content, string extension, CancellationToken ct = default)
    {
        if (!content.CanSeek) throw new ArgumentException("Content must be seekable: its length is sent before its bytes.", nameof(content));
        var key = Guid.NewGuid().ToString("N") + extension.ToLowerInvariant();
        var length = content.Length - content.Position;
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = content,
            AutoCloseStream = false,
            // One signed PUT with a Content-Length; streaming (aws-chunked) signatures are not supported everywhere.
            UseChunkEncoding = false,
        };
        request.Headers.ContentLength = length;
        // A PUT is atomic: a failed one leaves no object behind.
        await s3.PutObjectAsync(request, ct);
        return new StoredFile(key, length);
    }

    public Task<Stream?> OpenAsync(string key, long length, CancellationToken ct = default) =>
        Task.FromResult<Stream?>(new S3ObjectStream(s3, bucket, key, length));

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        try
        {
            // S3 answers 204 for a key that holds nothing, so a repeated delete is not an error.
            await s3.DeleteObjectAsync(bucket, key, ct);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new IOException($"Could not delete '{key}' from the bucket '{bucket}': {ex.Message}", ex);
        }
    }

    public void Dispose() => s3.Dispose();
}

/// <summary>
/// The bytes of one object, fetched on the first read and again (as a ranged GET) after a seek, so a 304 or HEAD
/// costs no request to the bucket and a range request fetches only from where it starts.
/// </summary>
internal sealed class S3ObjectStream(IAmazonS3 s3, string bucket, string key, long length) : Stream
{
    private GetObjectResponse? _response;
    private long _position;
    private long _responsePosition;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= length) return 0;
        if (_response is null || _responsePosition != _position) await FetchFromAsync(_position, cancellationToken);
        var read = await _response!.ResponseStream.ReadAsync(buffer, cancellationToken);
        if (read == 0) throw new IOException($"The object '{key}' ended after {_position} of its {length} bytes.");
        _position += read;
        _responsePosition += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Kestrel forbids synchronous I/O and every reader in the app reads asynchronously; blocking on a network read
    // here would only hide a thread-pool stall.
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Read the object asynchronously.");

    private async Task FetchFromAsync(long from, CancellationToken ct)
    {
        _response?.Dispose();
        _response = null;
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        if (from > 0) request.ByteRange = new ByteRange(from, length - 1);
        try
        {
            _response = await s3.GetObjectAsync(request, ct);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
        {
            throw new FileNotFoundException($"The bucket holds nothing under '{key}'.", key, ex);
        }
        _responsePosition = from;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Disposing a response that was not read to its end closes its connection instead of draining it.
        if (disposing) _response?.Dispose();
        _response = null;
        base.Dispose(disposing);
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Showgeo.Web.Features.Assets;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>
/// What the S3 store puts on the wire for a provider whose S3 endpoint has a path (Supabase Storage:
/// <c>https://&lt;ref&gt;.supabase.co/storage/v1/s3</c>), recorded by a loopback endpoint that answers like S3.
/// </summary>
public sealed class S3EndpointTests : IAsyncLifetime
{
    private sealed record Seen(string Method, string Path, string? Range, string? ContentSha256, string? ContentEncoding, bool HasChecksumHeader, bool Signed, byte[] Body);

    private readonly ConcurrentQueue<Seen> _seen = new();
    private readonly ConcurrentDictionary<string, byte[]> _objects = new();
    private WebApplication _endpoint = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _endpoint = builder.Build();
        _endpoint.Run(AnswerAsync);
        await _endpoint.StartAsync();
        _url = _endpoint.Urls.First();
    }

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    private async Task AnswerAsync(HttpContext http)
    {
        var request = http.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var headers = request.Headers;
        _seen.Enqueue(new Seen(request.Method, request.Path.Value ?? "", headers.Range.ToString() is { Length: > 0 } r ? r : null,
            headers["x-amz-content-sha256"].ToString(), headers.ContentEncoding.ToString() is { Length: > 0 } e ? e : null,
            headers.Keys.Any(k => k.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) || k.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase)),
            headers.Authorization.ToString().StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal), body.ToArray()));
        var path = request.Path.Value ?? "";
        switch (request.Method)
        {
            case "PUT":
                _objects[path] = body.ToArray();
                http.Response.Headers.ETag = "\"stored\"";
                break;
            case "GET" when _objects.TryGetValue(path, out var bytes):
                var from = headers.Range.ToString() is { Length: > 0 } range ? int.Parse(range["bytes=".Length..].Split('-')[0]) : 0;
                http.Response.StatusCode = from > 0 ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
                http.Response.ContentLength = bytes.Length - from;
                await http.Response.Body.WriteAsync(bytes.AsMemory(from));
                break;
            case "DELETE":
                _objects.TryRemove(path, out _);
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                http.Response.ContentType = "application/xml";
                await http.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
                break;
        }
    }

    private S3AssetStore Store() => S3AssetStore.Create(new S3AssetStoreOptions
    {
        Bucket = "media",
        ServiceUrl = _url.TrimEnd('/') + "/storage/v1/s3",
        Region = "eu-central-1",
        AccessKey = "access",
        SecretKey = "secret",
        ForcePathStyle = true,
    });

    [Fact]
    public async Task Path_style_requests_keep_the_endpoints_path_and_send_plain_signed_bodies_without_trailing_checksums()
    {
        using var store = Store();
        using var content = new MemoryStream(Samples.Mp3);

        var stored = await store.SaveAsync(content, ".MP3");
        await using (var read = (await store.OpenAsync(stored.Key, stored.Length))!)
        {
            read.Seek(10, SeekOrigin.Begin);
            var tail = new byte[4];
            await read.ReadExactlyAsync(tail);
            Assert.Equal(Samples.Mp3[10..14], tail);
        }
        await store.DeleteAsync(stored.Key);

        Assert.EndsWith(".mp3", stored.Key);
        Assert.Equal(Samples.Mp3.Length, stored.Length);
        var seen = _seen.ToArray();
        Assert.Equal(["PUT", "GET", "DELETE"], seen.Select(s => s.Method));
        Assert.All(seen, s => Assert.Equal($"/storage/v1/s3/media/{stored.Key}", s.Path));
        Assert.All(seen, s => Assert.True(s.Signed));
        var put = seen[0];
        Assert.Equal(Samples.Mp3, put.Body);
        // A hex SHA-256 of the body, not STREAMING-… (aws-chunked), which several S3-compatible services refuse.
        Assert.Matches("^[0-9a-f]{64}$", put.ContentSha256);
        Assert.Null(put.ContentEncoding);
        Assert.False(put.HasChecksumHeader);
        Assert.Equal($"bytes=10-{Samples.Mp3.Length - 1}", seen[1].Range);
        Assert.Empty(_objects);
    }

    [Fact]
    public async Task Reading_a_key_that_holds_nothing_is_a_missing_file()
    {
        using var store = Store();
        await using var read = (await store.OpenAsync("nothing-here.png", 10))!;

        await Assert.ThrowsAsync<FileNotFoundException>(async () => await read.ReadExactlyAsync(new byte[10]));
    }
}

using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>The app with its asset store in a temporary directory and a tiny image limit, so "too large" needs only a few KB.</summary>
public sealed class AssetsApp : ShowgeoApp, IAsyncLifetime
{
    public const int MaxImageBytes = 4096;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "showgeo-assets-" + Guid.NewGuid().ToString("N"));

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Assets:Root"] = Root;
        settings["Assets:MaxImageBytes"] = MaxImageBytes.ToString();
        return Task.CompletedTask;
    }

    // Re-implements the interface so the temporary store goes away with the database.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    /// <summary>Every stored file, temporary ones included.</summary>
    public string[] Files() => Directory.Exists(Root) ? Directory.GetFiles(Root, "*", SearchOption.AllDirectories) : [];
}

/// <summary>A file to put in a multipart form.</summary>
public sealed record Upload(byte[] Bytes, string FileName, string ContentType);

public static class Samples
{
    // A complete 1×1 PNG.
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    // JFIF start of image; the rest is padding (we never decode).
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];
    public static readonly byte[] Mp3 = [.. "ID3"u8.ToArray(), 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFB, 0x90, 0x64, .. new byte[64]];
    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
    // What a Windows executable starts with.
    public static readonly byte[] Exe = [(byte)'M', (byte)'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00];
    public static readonly byte[] Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray();

    public static byte[] PngOfSize(int size)
    {
        var bytes = new byte[size];
        Png.CopyTo(bytes, 0);
        return bytes;
    }
}

public static class MultipartForms
{
    /// <summary>
    /// Submits the form matched by <paramref name="formSelector"/> as multipart/form-data, the way a browser does: its
    /// hidden fields (antiforgery token included), checked boxes, <paramref name="values"/>, and the file.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitFileAsync(this WebClient client, IHtmlDocument document, string formSelector,
        string fileField, Upload? file, IReadOnlyDictionary<string, string>? values = null, bool htmx = false)
    {
        var form = document.QuerySelector(formSelector) as IHtmlFormElement
                   ?? throw new InvalidOperationException($"No form matches '{formSelector}'.");
        Assert.Equal("multipart/form-data", form.GetAttribute("enctype"));
        var content = new MultipartFormDataContent();
        var overridden = values ?? new Dictionary<string, string>();
        foreach (var input in form.QuerySelectorAll("input[name]").OfType<IHtmlInputElement>())
        {
            var type = input.Type.ToLowerInvariant();
            if (type is "file" or "submit" || overridden.ContainsKey(input.Name!)) continue;
            if (type is "checkbox" && !input.IsChecked) continue;
            content.Add(new StringContent(input.Value), input.Name!);
        }
        foreach (var (k, v) in overridden) content.Add(new StringContent(v), k);
        if (file is not null)
        {
            var part = new ByteArrayContent(file.Bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
            content.Add(part, fileField, file.FileName);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, form.GetAttribute("action")) { Content = content };
        if (htmx) request.Headers.Add("HX-Request", "true");
        return await client.Http.SendAsync(request);
    }
}

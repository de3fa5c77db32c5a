using System.Text;

namespace Showgeo.Web.Features.Assets;

/// <summary>One accepted file type: its canonical content type, the file-name endings it may have, and its signature.</summary>
public sealed record AssetType(AssetKind Kind, string ContentType, string Label, string[] Extensions, Func<ReadOnlyMemory<byte>, bool> Matches);

/// <summary>
/// The allow-list of uploadable types and their magic bytes. Anything not listed is refused; the declared type, the
/// file name and the first bytes of the content must all agree.
/// </summary>
public static class AssetTypes
{
    /// <summary>How many leading bytes <see cref="AssetType.Matches"/> needs.</summary>
    public const int HeaderLength = 16;

    public static readonly IReadOnlyList<AssetType> All =
    [
        new(AssetKind.Image, "image/jpeg", "JPEG image", [".jpg", ".jpeg"], h => Starts(h, 0, 0xFF, 0xD8, 0xFF)),
        new(AssetKind.Image, "image/png", "PNG image", [".png"], h => Starts(h, 0, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)),
        new(AssetKind.Image, "image/gif", "GIF image", [".gif"], h => Ascii(h, 0, "GIF87a") || Ascii(h, 0, "GIF89a")),
        new(AssetKind.Image, "image/webp", "WebP image", [".webp"], h => Ascii(h, 0, "RIFF") && Ascii(h, 8, "WEBP")),
        new(AssetKind.Audio, "audio/mpeg", "MP3 audio", [".mp3"], h => Ascii(h, 0, "ID3") || IsMpegFrameSync(h)),
        new(AssetKind.Audio, "audio/ogg", "Ogg audio", [".ogg", ".oga", ".opus"], h => Ascii(h, 0, "OggS")),
        new(AssetKind.Audio, "audio/wav", "WAV audio", [".wav"], h => Ascii(h, 0, "RIFF") && Ascii(h, 8, "WAVE")),
        new(AssetKind.Audio, "audio/mp4", "M4A audio", [".m4a"], h => Ascii(h, 4, "ftyp")),
        new(AssetKind.Video, "video/mp4", "MP4 video", [".mp4", ".m4v"], h => Ascii(h, 4, "ftyp")),
        new(AssetKind.Video, "video/webm", "WebM video", [".webm"], h => Starts(h, 0, 0x1A, 0x45, 0xDF, 0xA3)),
        new(AssetKind.Document, "application/pdf", "PDF document", [".pdf"], h => Ascii(h, 0, "%PDF-")),
    ];

    /// <summary>Names browsers and tools use for the same formats.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpg"] = "image/jpeg",
        ["image/pjpeg"] = "image/jpeg",
        ["audio/mp3"] = "audio/mpeg",
        ["audio/x-mp3"] = "audio/mpeg",
        ["audio/x-wav"] = "audio/wav",
        ["audio/wave"] = "audio/wav",
        ["audio/vnd.wave"] = "audio/wav",
        ["audio/x-m4a"] = "audio/mp4",
        ["audio/m4a"] = "audio/mp4",
        ["audio/opus"] = "audio/ogg",
        ["application/x-pdf"] = "application/pdf",
    };

    public static AssetType? ByContentType(string contentType)
    {
        var bare = contentType.Split(';', 2)[0].Trim();
        if (Aliases.TryGetValue(bare, out var canonical)) bare = canonical;
        return All.FirstOrDefault(t => t.ContentType.Equals(bare, StringComparison.OrdinalIgnoreCase));
    }

    public static AssetType? ByExtension(string extension) =>
        All.FirstOrDefault(t => t.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase));

    public static string ExtensionsFor(IEnumerable<AssetKind> kinds) =>
        string.Join(",", All.Where(t => kinds.Contains(t.Kind)).SelectMany(t => t.Extensions));

    public static string DescribeAllowed(IEnumerable<AssetKind> kinds) =>
        string.Join(", ", All.Where(t => kinds.Contains(t.Kind)).Select(t => t.Label));

    private static bool Starts(ReadOnlyMemory<byte> header, int offset, params byte[] bytes) =>
        header.Length >= offset + bytes.Length && header.Span.Slice(offset, bytes.Length).SequenceEqual(bytes);

    private static bool Ascii(ReadOnlyMemory<byte> header, int offset, string text) => Starts(header, offset, Encoding.ASCII.GetBytes(text));

    // An MP3 without an ID3 tag starts with a frame header: eleven set bits (FF Ex/Fx) and a valid layer.
    private static bool IsMpegFrameSync(ReadOnlyMemory<byte> header) =>
        header.Length >= 2 && header.Span[0] == 0xFF && (header.Span[1] & 0xE0) == 0xE0 && (header.Span[1] & 0x06) != 0;
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Tickets;

/// <summary>
/// Ticket codes are 128 random bits plus a truncated HMAC-SHA256 of them: unguessable, and a forged or mistyped code
/// is rejected at the door without a database lookup.
/// </summary>
public sealed class TicketCodes(IOptions<TicketingOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SigningKey!);

    public string NewCode()
    {
        var random = Base64Url(RandomNumberGenerator.GetBytes(16));
        return $"{random}.{Sign(random)}";
    }

    public bool IsAuthentic(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 64) return false;
        var dot = code.IndexOf('.');
        if (dot <= 0) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(code[..dot]));
        var given = Encoding.ASCII.GetBytes(code[(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Sign(string random)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(random));
        return Base64Url(mac.AsSpan(0, 16));
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

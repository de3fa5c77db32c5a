using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// Signed, expiring download tokens for digital order lines. A token names the order line and the account it was
/// made for and is encrypted and authenticated by Data Protection (keys shared by every instance through the
/// database), with its expiry inside: it cannot be forged, and the download also requires the same account to be
/// signed in, so a forwarded link is useless to anyone else.
/// https://learn.microsoft.com/aspnet/core/security/data-protection/consumer-apis/limited-lifetime-payloads
/// </summary>
public sealed class DownloadLinks(IDataProtectionProvider provider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _protector =
        provider.CreateProtector("Showgeo.Store.Download.v1").ToTimeLimitedDataProtector();

    public string Mint(Guid orderLineId, Guid userId, DateTimeOffset expiresAt) =>
        _protector.Protect($"{orderLineId:N}:{userId:N}", expiresAt);

    /// <summary>True when <paramref name="token"/> is genuine, unexpired and made for this line and account.</summary>
    public bool Verify(string? token, Guid orderLineId, Guid userId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1000) return false;
        try
        {
            return _protector.Unprotect(token, out _) == $"{orderLineId:N}:{userId:N}";
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

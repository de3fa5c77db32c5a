using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Showgeo.Web.Features.Streaming;

/// <summary>What a stage invite link says once its signature checks out.</summary>
public sealed record StageInvite(Guid EventId, Guid UserId, string Name, DateTimeOffset ExpiresAt);

/// <summary>
/// Signed stage invite links: the host names a guest (an account, by handle) and the link lets that account join the
/// stage of that event until it expires. The payload is protected with the app's data protection keys (authenticated
/// encryption, https://learn.microsoft.com/aspnet/core/security/data-protection/using-data-protection), so a changed
/// byte, another event's link or another key ring all fail the same way. Expiry is checked here against
/// <see cref="TimeProvider"/>, so an expired link says so rather than "not valid".
/// </summary>
public sealed class StageInvites(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);
    public const string InvalidMessage = "This stage invite link is not valid. Ask the host for a new one.";
    public const string ExpiredMessage = "This stage invite link has expired. Ask the host for a new one.";
    public const string OtherAccountMessage = "This stage invite is for another account. Sign in as the invited guest.";
    public const string OtherEventMessage = "This stage invite is for another event.";

    private IDataProtector Protector => protection.CreateProtector("Showgeo.Streaming.StageInvite.v1");

    public string Create(Guid eventId, Guid userId, string name, TimeSpan? lifetime = null)
    {
        var expires = clock.GetUtcNow().Add(lifetime ?? DefaultLifetime).ToUnixTimeSeconds();
        // The name is last: it may contain the separator, the ids and the expiry cannot.
        var payload = string.Join('|', "v1", eventId.ToString("N"), userId.ToString("N"), expires.ToString(CultureInfo.InvariantCulture), name);
        return WebEncoders.Base64UrlEncode(Protector.Protect(System.Text.Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>The invite, or the sentence that refuses the link.</summary>
    public (StageInvite? Invite, string? Refusal) Read(string? token, Guid eventId)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000) return (null, InvalidMessage);
        string payload;
        try
        {
            payload = System.Text.Encoding.UTF8.GetString(Protector.Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return (null, InvalidMessage);
        }
        var parts = payload.Split('|', 5);
        if (parts.Length != 5 || parts[0] != "v1" || !Guid.TryParseExact(parts[1], "N", out var ev) || !Guid.TryParseExact(parts[2], "N", out var user)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var exp))
            return (null, InvalidMessage);
        if (ev != eventId) return (null, OtherEventMessage);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (clock.GetUtcNow() >= expiresAt) return (null, ExpiredMessage);
        return (new StageInvite(ev, user, parts[4], expiresAt), null);
    }
}

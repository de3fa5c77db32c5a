using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>
/// Signs webhook payloads the way Stripe does (https://docs.stripe.com/webhooks#verify-manually): HMAC-SHA256 over
/// "{t}.{body}" keyed with the whole whsec_ string, lower-case hex. Written from the documentation rather than with
/// the SDK, so the webhook tests check the SDK's verification against the documented algorithm.
/// </summary>
public static class StripeSigning
{
    public static string Signature(long timestamp, string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}")));

    public static string Header(string body, long timestamp, string secret) => $"t={timestamp},v1={Signature(timestamp, body, secret)}";
}

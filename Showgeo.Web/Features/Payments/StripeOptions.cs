using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// Stripe credentials. The API version is not a setting: it is Stripe.net's own (<c>StripeConfiguration.ApiVersion</c>),
/// sent as Stripe-Version on every call, and the webhook endpoint in the Stripe Dashboard is pinned to the same one.
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    /// <summary>Where Stripe.net sends API calls; the tests point it at a fake Stripe on loopback.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";
    /// <summary>Webhook timestamps older (or newer) than this are rejected.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;
    /// <summary>How long one API call may take before its outcome counts as unknown (the SDK retries once).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(WebhookSecret);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SecretKey) != string.IsNullOrWhiteSpace(WebhookSecret))
            throw new RequiredSettingException(
                string.IsNullOrWhiteSpace(SecretKey) ? "Stripe:SecretKey" : "Stripe:WebhookSecret",
                "is required when the other Stripe setting is set (set both to use Stripe, or neither for local test payments).");
        // Stripe.net refuses such a key only when the first payment is attempted; say so at startup instead.
        if (SecretKey?.Any(char.IsWhiteSpace) == true)
            throw new RequiredSettingException("Stripe:SecretKey", "must not contain whitespace.");
        if (TimeoutSeconds is <= 0 or > 300)
            throw new RequiredSettingException("Stripe:TimeoutSeconds", "must be between 0 and 300 seconds.");
        if (!Uri.TryCreate(ApiBase, UriKind.Absolute, out _))
            throw new RequiredSettingException("Stripe:ApiBase", "must be an absolute URL.");
    }
}

using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

public sealed class StripeOptions
{
    public const string Section = "Stripe";
    /// <summary>Pinned so request and webhook payload shapes never change under us (https://docs.stripe.com/api/versioning).</summary>
    public const string PinnedApiVersion = "2026-07-29.dahlia";

    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    public string ApiBase { get; set; } = "https://api.stripe.com";
    /// <summary>Webhook timestamps older (or newer) than this are rejected.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(WebhookSecret);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SecretKey) != string.IsNullOrWhiteSpace(WebhookSecret))
            throw new RequiredSettingException(
                string.IsNullOrWhiteSpace(SecretKey) ? "Stripe:SecretKey" : "Stripe:WebhookSecret",
                "is required when the other Stripe setting is set (set both to use Stripe, or neither for local test payments).");
        if (!Uri.TryCreate(ApiBase, UriKind.Absolute, out _))
            throw new RequiredSettingException("Stripe:ApiBase", "must be an absolute URL.");
    }
}

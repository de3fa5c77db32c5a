using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using EventUtility = Stripe.EventUtility;
using StripeConfiguration = Stripe.StripeConfiguration;
using StripeException = Stripe.StripeException;

namespace Showgeo.Web.Tests.Features.Payments;

public sealed class StripeSettingsTests
{
    [Theory]
    [InlineData("sk_test_1", null, "Stripe:WebhookSecret")]
    [InlineData(null, "whsec_1", "Stripe:SecretKey")]
    public void Half_configured_stripe_stops_startup_naming_the_missing_setting(string? key, string? secret, string missing)
    {
        var ex = Assert.Throws<RequiredSettingException>(() => new StripeOptions { SecretKey = key, WebhookSecret = secret }.Validate());
        Assert.Equal(missing, ex.Setting);
    }

    [Fact]
    public void A_stripe_key_with_whitespace_stops_startup()
    {
        var ex = Assert.Throws<RequiredSettingException>(() => new StripeOptions { SecretKey = "sk_test_1\n", WebhookSecret = "whsec_1" }.Validate());
        Assert.Equal("Stripe:SecretKey", ex.Setting);
    }

    [Fact]
    public void Webhook_verification_accepts_the_documented_signature_and_rejects_stale_forged_and_malformed_headers()
    {
        var body = $$"""{"id":"evt_1","object":"event","api_version":"{{StripeConfiguration.ApiVersion}}","type":"customer.created","data":{"object":{} } }""";
        const long t = 1_800_000_000;
        // HMAC-SHA256 over "{t}.{body}" keyed with the whole whsec_ string, lower-case hex.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            "whsec_abc"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"1800000000.{body}")));
        Assert.Equal($"t=1800000000,v1={expected}", StripeSigning.Header(body, t, "whsec_abc"));

        Assert.Equal("evt_1", EventUtility.ConstructEvent(body, $"t=1800000000,v1={expected}", "whsec_abc", 300, t + 300, false).Id);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, $"t=1800000000,v1={expected}", "whsec_abc", 300, t + 301, false));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body + " ", $"t=1800000000,v1={expected}", "whsec_abc", 300, t, false));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, $"t=1800000000,v1={expected}", "whsec_other", 300, t, false));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, $"v1={expected}", "whsec_abc", 300, t, false));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, "garbage", "whsec_abc", 300, t, false));
    }

    [Fact]
    public void Readme_tells_operators_to_pin_the_webhook_endpoint_to_the_sdks_api_version()
    {
        // Bumping Stripe.net changes the version its requests send; the README must move with it.
        var readme = File.ReadAllText(RepoFiles.PathOf("README.md"));
        var stripeRows = string.Join("\n", readme.Split('\n').Where(l => l.StartsWith("| `Stripe:", StringComparison.Ordinal)));
        Assert.Contains($"`{StripeConfiguration.ApiVersion}`", stripeRows);
    }
}

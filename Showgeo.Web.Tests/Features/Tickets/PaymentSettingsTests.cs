using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Tests.Features.Tickets;

public sealed class PaymentSettingsTests
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
    public void Production_without_a_ticket_signing_key_stops_startup_and_development_gets_a_default()
    {
        var ex = Assert.Throws<RequiredSettingException>(() => new TicketingOptions().Validate(new Env("Production")));
        Assert.Equal("Tickets:SigningKey", ex.Setting);
        var dev = new TicketingOptions();
        dev.Validate(new Env("Development"));
        Assert.False(string.IsNullOrEmpty(dev.SigningKey));
    }

    [Fact]
    public void Stripe_signature_matches_the_documented_algorithm_and_rejects_stale_and_forged_headers()
    {
        const string body = """{"id":"evt_1"}""";
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        // HMAC-SHA256 over "{t}.{body}" keyed with the whole whsec_ string, lower-case hex.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            "whsec_abc"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"1800000000.{body}")));
        Assert.Equal(StripeSignature.Result.Valid, StripeSignature.Verify(body, $"t=1800000000,v1={expected}", "whsec_abc", now, 300));
        Assert.Equal(StripeSignature.Result.Stale, StripeSignature.Verify(body, $"t=1800000000,v1={expected}", "whsec_abc", now.AddSeconds(301), 300));
        Assert.Equal(StripeSignature.Result.Mismatch, StripeSignature.Verify(body + " ", $"t=1800000000,v1={expected}", "whsec_abc", now, 300));
        Assert.Equal(StripeSignature.Result.Malformed, StripeSignature.Verify(body, $"v1={expected}", "whsec_abc", now, 300));
        Assert.Equal(StripeSignature.Result.MissingHeader, StripeSignature.Verify(body, null, "whsec_abc", now, 300));
    }

    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Showgeo.Web";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

using System.Text;
using Microsoft.AspNetCore.Hosting;
using Showgeo.Web.Features.Payments;
using Stripe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>The app with Stripe configured against <see cref="FakeStripe"/>, logging what an operator would see.</summary>
public class StripeApp : ShowgeoApp
{
    public const string WebhookSecret = "whsec_test_showgeo";
    public FakeStripe Stripe { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Stripe = await FakeStripe.StartAsync();
        settings["Stripe:SecretKey"] = "sk_test_showgeo";
        settings["Stripe:WebhookSecret"] = WebhookSecret;
        settings["Stripe:ApiBase"] = Stripe.BaseUrl;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(Logs));

    private static readonly HttpClient Raw = new();

    /// <summary>A Checkout Session event for <paramref name="order"/>, as Stripe would send it.</summary>
    public static string SessionEvent(string eventId, string type, Order order, string paymentStatus, long? amount = null, string currency = "eur",
        string? apiVersion = null) =>
        $$$"""
        {"id":"{{{eventId}}}","object":"event","api_version":"{{{apiVersion ?? StripeConfiguration.ApiVersion}}}","type":"{{{type}}}","created":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},
         "data":{"object":{"id":"{{{order.ProviderSessionId}}}","object":"checkout.session","client_reference_id":"{{{order.Id}}}","metadata":{"order_id":"{{{order.Id}}}"},
         "payment_status":"{{{paymentStatus}}}","amount_total":{{{amount ?? order.TotalMinor}}},"currency":"{{{currency}}}","payment_intent":"pi_{{{order.Id:N}}}"} } }
        """;

    public static string Header(string body, long timestamp, string secret = StripeApp.WebhookSecret) =>
        StripeSigning.Header(body, timestamp, secret);

    public async Task<HttpResponseMessage> PostWebhookAsync(string body, string? header = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, "/webhooks/stripe"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        header ??= Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        if (header != "") request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        return await Raw.SendAsync(request);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

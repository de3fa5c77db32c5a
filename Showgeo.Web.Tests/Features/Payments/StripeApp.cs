using Microsoft.AspNetCore.Hosting;
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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

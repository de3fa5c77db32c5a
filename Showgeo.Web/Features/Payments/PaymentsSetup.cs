using Microsoft.Extensions.Options;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>How often pending orders whose hold lapsed are expired and their stock released.</summary>
    public int HoldReleaseSeconds { get; set; } = 30;
    /// <summary>How often refunds whose outcome is unknown (a timeout, a lost connection) are asked about again.</summary>
    public int RefundReconcileSeconds { get; set; } = 60;

    /// <summary>
    /// Outside Development/Testing, lets a server without Stripe keys take simulated payments on the test-payment page
    /// (a demo deploy). Off by default: such a server would otherwise hand out valid tickets for nothing.
    /// </summary>
    public bool AllowTestPayments { get; set; }

    public void Validate(IHostEnvironment env, StripeOptions stripe)
    {
        if (HoldReleaseSeconds < 1) throw new RequiredSettingException("Payments:HoldReleaseSeconds", "must be at least 1.");
        if (RefundReconcileSeconds < 1) throw new RequiredSettingException("Payments:RefundReconcileSeconds", "must be at least 1.");
        if (!stripe.Enabled && !AllowTestPayments && !env.IsDevelopment() && !env.IsEnvironment("Testing"))
            throw new RequiredSettingException("Stripe:SecretKey",
                $"and 'Stripe:WebhookSecret' are required in {env.EnvironmentName}: without them fans would get valid tickets " +
                "from the test-payment page. Set both, or set Payments:AllowTestPayments=true to run with simulated payments.");
    }
}

/// <summary>
/// Whether this server takes simulated payments on purpose (<see cref="PaymentsOptions.AllowTestPayments"/> without
/// Stripe), so every page says so; and which orders were paid that way, so their tickets say TEST.
/// </summary>
public sealed class PaymentMode(bool simulated)
{
    /// <summary>The provider name stored on orders paid on the test-payment page.</summary>
    public const string TestProvider = "local";

    public bool Simulated { get; } = simulated;

    public static bool IsTest(string provider) => provider == TestProvider;
}

/// <summary>
/// Wires Payments: the provider (Stripe when configured, otherwise local test payments), orders and their kinds,
/// fulfilment, refunds, checkout and the Stripe webhook. Features that sell register their kind with
/// <see cref="AddOrderKind{TKind}"/>.
/// </summary>
public static class PaymentsSetup
{
    public static WebApplicationBuilder AddShowgeoPayments(this WebApplicationBuilder builder)
    {
        var stripe = builder.Configuration.GetSection(StripeOptions.Section).Get<StripeOptions>() ?? new();
        stripe.Validate();
        builder.Services.AddSingleton(Options.Create(stripe));

        var payments = builder.Configuration.GetSection(PaymentsOptions.Section).Get<PaymentsOptions>() ?? new();
        payments.Validate(builder.Environment, stripe);
        builder.Services.AddSingleton(Options.Create(payments));
        builder.Services.AddSingleton(new PaymentMode(simulated: !stripe.Enabled && payments.AllowTestPayments));
        if (stripe.Enabled)
        {
            // Stripe.net sends through this factory-made HttpClient; the timeout bounds each attempt (the SDK retries).
            builder.Services.AddHttpClient<StripeCheckoutClient>(c => c.Timeout = TimeSpan.FromSeconds(stripe.TimeoutSeconds));
            builder.Services.AddScoped<IPaymentProvider, StripePaymentProvider>();
        }
        else
        {
            builder.Services.AddSingleton<IPaymentProvider, LocalPaymentProvider>();
        }

        builder.Services.AddScoped<OrderKinds>();
        builder.Services.AddScoped<OrderFulfilment>();
        builder.Services.AddScoped<PaymentCheckout>();
        builder.Services.AddScoped<RefundService>();
        builder.Services.AddScoped<StripeSubscriptionRouter>();
        builder.Services.AddRecurringJob<HoldReleaseJob>(HoldReleaseJob.Name, Cadence.Every(TimeSpan.FromSeconds(payments.HoldReleaseSeconds)));
        builder.Services.AddRecurringJob<RefundReconciler>(RefundReconciler.Name, Cadence.Every(TimeSpan.FromSeconds(payments.RefundReconcileSeconds)));
        return builder;
    }

    /// <summary>Registers what a feature sells. Scoped, so the kind shares Payments' DbContext and transaction.</summary>
    public static IServiceCollection AddOrderKind<TKind>(this IServiceCollection services) where TKind : class, IOrderKind =>
        services.AddScoped<IOrderKind, TKind>();

    public static WebApplication MapShowgeoPayments(this WebApplication app)
    {
        // Signed by Stripe instead of carrying an antiforgery token.
        app.MapPost("/webhooks/stripe", StripeWebhookEndpoint.HandleAsync).DisableAntiforgery();
        return app;
    }
}

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

    public void Validate()
    {
        if (HoldReleaseSeconds < 1) throw new RequiredSettingException("Payments:HoldReleaseSeconds", "must be at least 1.");
        if (RefundReconcileSeconds < 1) throw new RequiredSettingException("Payments:RefundReconcileSeconds", "must be at least 1.");
    }
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
        var payments = builder.Configuration.GetSection(PaymentsOptions.Section).Get<PaymentsOptions>() ?? new();
        payments.Validate();
        builder.Services.AddSingleton(Options.Create(payments));

        var stripe = builder.Configuration.GetSection(StripeOptions.Section).Get<StripeOptions>() ?? new();
        stripe.Validate();
        builder.Services.AddSingleton(Options.Create(stripe));
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

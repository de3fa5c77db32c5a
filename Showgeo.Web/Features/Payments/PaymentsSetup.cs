using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Payments;

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
        if (stripe.Enabled)
        {
            // Stripe.net sends through this factory-made HttpClient; the timeout bounds each attempt (the SDK retries).
            builder.Services.AddHttpClient<StripeCheckoutClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
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

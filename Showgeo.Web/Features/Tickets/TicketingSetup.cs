using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

/// <summary>Wires ticketing and payments: the provider (Stripe when configured, otherwise local test payments),
/// fulfilment, refunds, the hold-release job and the Stripe webhook.</summary>
public static class TicketingSetup
{
    public static WebApplicationBuilder AddShowgeoTicketing(this WebApplicationBuilder builder)
    {
        var tickets = builder.Configuration.GetSection(TicketingOptions.Section).Get<TicketingOptions>() ?? new();
        tickets.Validate(builder.Environment);
        builder.Services.AddSingleton(Options.Create(tickets));

        var stripe = builder.Configuration.GetSection(StripeOptions.Section).Get<StripeOptions>() ?? new();
        stripe.Validate();
        builder.Services.AddSingleton(Options.Create(stripe));
        if (stripe.Enabled)
        {
            builder.Services.AddHttpClient<StripeCheckoutClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
            builder.Services.AddScoped<IPaymentProvider, StripePaymentProvider>();
        }
        else
        {
            builder.Services.AddSingleton<IPaymentProvider, LocalPaymentProvider>();
        }

        builder.Services.AddSingleton<TicketCodes>();
        builder.Services.AddScoped<OrderFulfilment>();
        builder.Services.AddScoped<TicketInventory>();
        builder.Services.AddScoped<RefundService>();
        builder.Services.AddScoped<TicketQueries>();
        builder.Services.AddScoped<CheckInDesk>();
        builder.Services.AddScoped<IEventCancellationHook, TicketsCancellationHook>();
        builder.Services.AddRecurringJob<HoldReleaseJob>(HoldReleaseJob.Name, Cadence.Every(TimeSpan.FromSeconds(tickets.ReleaseIntervalSeconds)));
        return builder;
    }

    public static WebApplication MapShowgeoTicketing(this WebApplication app)
    {
        // Signed by Stripe instead of carrying an antiforgery token.
        app.MapPost("/webhooks/stripe", StripeWebhookEndpoint.HandleAsync).DisableAntiforgery();
        return app;
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using CheckoutSession = Stripe.Checkout.Session;
using EventTypes = Stripe.EventTypes;
using StripeEvent = Stripe.Event;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// A feature that sells Stripe subscriptions (memberships) implements this to hear about them; Payments verifies each
/// webhook, records its event id and calls every handler inside the same transaction, never naming the feature.
/// </summary>
public interface IStripeSubscriptionEvents
{
    /// <summary>Applies one verified event; returns a short outcome for the payment_events row, or null when not its own.</summary>
    Task<string?> HandleAsync(StripeEvent evt, CancellationToken ct);
}

/// <summary>Routes the subscription side of the Stripe webhook: recorded once by event id, then handed to the handlers.</summary>
public sealed class StripeSubscriptionRouter(ShowgeoDb db, IEnumerable<IStripeSubscriptionEvents> handlers, TimeProvider clock)
{
    /// <summary>Whether the event is about a subscription rather than a one-off payment order.</summary>
    public static bool IsSubscriptionEvent(StripeEvent evt) => evt.Type switch
    {
        EventTypes.CheckoutSessionCompleted => (evt.Data.Object as CheckoutSession)?.Mode == "subscription",
        EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed
            or EventTypes.CustomerSubscriptionUpdated or EventTypes.CustomerSubscriptionDeleted => true,
        _ => false,
    };

    /// <summary>"Duplicate" when the event id was seen before (nothing is done again), else the handlers' outcome.</summary>
    public async Task<string> RouteAsync(StripeEvent evt, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var recorded = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO payment_events (id, provider, external_id, type, order_id, outcome, received_at)
            VALUES ({Guid.CreateVersion7()}, 'stripe', {evt.Id}, {evt.Type}, NULL, '', {clock.GetUtcNow()})
            ON CONFLICT (provider, external_id) DO NOTHING
            """, ct);
        if (recorded == 0) return "Duplicate";
        string? outcome = null;
        foreach (var handler in handlers)
            outcome ??= await handler.HandleAsync(evt, ct);
        outcome ??= "Ignored";
        await db.Database.ExecuteSqlAsync(
            $"UPDATE payment_events SET outcome = {outcome} WHERE provider = 'stripe' AND external_id = {evt.Id}", ct);
        await tx.CommitAsync(ct);
        return outcome;
    }
}

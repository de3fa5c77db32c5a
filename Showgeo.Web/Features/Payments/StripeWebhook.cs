using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Charge = Stripe.Charge;
using CheckoutSession = Stripe.Checkout.Session;
using EventTypes = Stripe.EventTypes;
using EventUtility = Stripe.EventUtility;
using StripeEvent = Stripe.Event;
using StripeException = Stripe.StripeException;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// POST /webhooks/stripe: raw body, signature checked by Stripe.net's <see cref="EventUtility"/> before anything is
/// acted on, then handed to the same <see cref="OrderFulfilment"/> the local test page uses. Each event id is recorded
/// once (payment_events), so a replay or a late duplicate answers 200 and changes nothing.
/// </summary>
public static class StripeWebhookEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<StripeOptions> options, TimeProvider clock,
        OrderFulfilment fulfilment, RefundService refunds, StripeSubscriptionRouter subscriptions, ShowgeoDb db, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("Showgeo.Payments.StripeWebhook");
        var stripe = options.Value;
        if (!stripe.Enabled) return Results.NotFound();
        var ct = http.RequestAborted;

        string payload;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
            payload = await reader.ReadToEndAsync(ct);
        string? signature = http.Request.Headers["Stripe-Signature"];
        if (string.IsNullOrWhiteSpace(signature))
        {
            log.LogWarning("Rejected Stripe webhook: no Stripe-Signature header");
            return Results.BadRequest(new { error = "signature missing" });
        }

        StripeEvent evt;
        try
        {
            // throwOnApiVersionMismatch: false — an event rendered for another API release is still processed (and
            // logged below). Refusing it would answer 400 to every delivery: Stripe retries for days while fans who
            // have paid get no tickets and their seats are released. What we read (ids, payment_status,
            // amount_total, currency, payment_intent, amount_refunded) is stable across releases, and OrderFulfilment
            // compares session id, amount and currency with the order, so a field read wrongly issues nothing. The
            // operator pins the endpoint to StripeConfiguration.ApiVersion (README, Configuration) to stay exact.
            evt = EventUtility.ConstructEvent(payload, signature, stripe.WebhookSecret, stripe.WebhookToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            log.LogWarning("Rejected Stripe webhook: {Reason}", ex.Message);
            return Results.BadRequest(new { error = "signature invalid" });
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Correctly signed, but not a JSON object the SDK reads as a snapshot event.
            log.LogWarning(ex, "Rejected Stripe webhook: not a Stripe event");
            return Results.BadRequest(new { error = "not a Stripe event" });
        }
        if (evt.Id is null || evt.Type is null || evt.Data is null)
            return Results.BadRequest(new { error = "not a Stripe event" });
        if (evt.ApiVersion is null || !EventUtility.IsCompatibleApiVersion(evt.ApiVersion))
            log.LogWarning("Stripe event {Id} has API version {EventVersion}; this app expects {PinnedVersion}. Pin the webhook endpoint's API version in the Stripe Dashboard",
                evt.Id, evt.ApiVersion, Stripe.StripeConfiguration.ApiVersion);

        if (StripeSubscriptionRouter.IsSubscriptionEvent(evt))
            return Results.Ok(new { outcome = await subscriptions.RouteAsync(evt, ct) });

        var session = evt.Data.Object as CheckoutSession;
        var orderId = OrderIdOf(session);
        FulfilmentOutcome? outcome = null;
        switch (evt.Type)
        {
            case EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded:
                if (orderId is null) break;
                // Delayed payment methods complete the session unpaid; async_payment_succeeded follows.
                if (session!.PaymentStatus is not ("paid" or "no_payment_required")) break;
                outcome = await fulfilment.MarkPaidAsync(new PaymentNotice("stripe", evt.Id, evt.Type, orderId.Value, session.Id,
                    session.PaymentIntentId, session.AmountTotal ?? -1, session.Currency), ct);
                break;
            case EventTypes.CheckoutSessionExpired:
                if (orderId is null) break;
                outcome = await fulfilment.ReleaseAsync(orderId.Value, OrderStatus.Expired, new PaymentNotice("stripe", evt.Id, evt.Type, orderId.Value, session!.Id), ct);
                break;
            case EventTypes.CheckoutSessionAsyncPaymentFailed:
                if (orderId is null) break;
                outcome = await fulfilment.ReleaseAsync(orderId.Value, OrderStatus.Failed, new PaymentNotice("stripe", evt.Id, evt.Type, orderId.Value, session!.Id), ct);
                break;
            case EventTypes.ChargeRefunded:
                await ChargeRefundedAsync(db, refunds, evt.Id, evt.Data.Object as Charge, clock, ct);
                return Results.Ok();
        }
        if (outcome is null) log.LogInformation("Stripe event {Id} of type {Type} acknowledged without action", evt.Id, evt.Type);
        return Results.Ok(new { outcome = outcome?.ToString() ?? "ignored" });
    }

    private static async Task ChargeRefundedAsync(ShowgeoDb db, RefundService refunds, string eventId, Charge? charge, TimeProvider clock, CancellationToken ct)
    {
        var paymentIntent = charge?.PaymentIntentId;
        var refunded = charge?.AmountRefunded ?? 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var recorded = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO payment_events (id, provider, external_id, type, order_id, outcome, received_at)
            VALUES ({Guid.CreateVersion7()}, 'stripe', {eventId}, 'charge.refunded', NULL, '', {clock.GetUtcNow()})
            ON CONFLICT (provider, external_id) DO NOTHING
            """, ct);
        if (recorded == 0 || paymentIntent is null) return;
        var orderId = await db.Set<Order>().Where(o => o.ProviderPaymentId == paymentIntent).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        var order = orderId is { } id ? await db.LockOrderAsync(id, ct) : null;
        var applied = order is not null
            && string.Equals(charge!.Currency, order.Currency, StringComparison.OrdinalIgnoreCase)
            && order.Status is OrderStatus.Paid or OrderStatus.PartiallyRefunded
            && await refunds.RecordExternalRefundAsync(order, refunded, ct);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE payment_events SET order_id = {order?.Id}, outcome = {(applied ? "RefundRecorded" : "NoChange")} WHERE provider = 'stripe' AND external_id = {eventId}", ct);
        await tx.CommitAsync(ct);
    }

    private static Guid? OrderIdOf(CheckoutSession? session)
    {
        var raw = session?.ClientReferenceId;
        if (raw is null && session?.Metadata is { } metadata) metadata.TryGetValue("order_id", out raw);
        return Guid.TryParse(raw, out var id) ? id : null;
    }
}

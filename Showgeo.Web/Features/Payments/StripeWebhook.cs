using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Tickets;

namespace Showgeo.Web.Features.Payments;

/// <summary>Stripe-Signature verification as documented at https://docs.stripe.com/webhooks#verify-manually (what stripe-dotnet's EventUtility does).</summary>
public static class StripeSignature
{
    public enum Result { Valid, MissingHeader, Malformed, Mismatch, Stale }

    public static Result Verify(string payload, string? header, string secret, DateTimeOffset now, int toleranceSeconds)
    {
        if (string.IsNullOrWhiteSpace(header)) return Result.MissingHeader;
        var items = header.Split(',')
            .Select(i => i.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToLookup(kv => kv[0].Trim(), kv => kv[1].Trim());
        if (!long.TryParse(items["t"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return Result.Malformed;
        var signatures = items["v1"].ToList();
        if (signatures.Count == 0) return Result.Malformed;

        var expected = Encoding.ASCII.GetBytes(Compute(timestamp, payload, secret));
        if (!signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)))) return Result.Mismatch;
        return Math.Abs(now.ToUnixTimeSeconds() - timestamp) <= toleranceSeconds ? Result.Valid : Result.Stale;
    }

    public static string Compute(long timestamp, string payload, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{payload}")));
}

/// <summary>
/// POST /webhooks/stripe: raw body, signature checked before anything is parsed, then handed to the same
/// <see cref="OrderFulfilment"/> the local test page uses. Each event id is recorded once (payment_events), so a
/// replay or a late duplicate answers 200 and changes nothing.
/// </summary>
public static class StripeWebhookEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<StripeOptions> options, TimeProvider clock,
        OrderFulfilment fulfilment, RefundService refunds, ShowgeoDb db, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("Showgeo.Payments.StripeWebhook");
        var stripe = options.Value;
        if (!stripe.Enabled) return Results.NotFound();
        var ct = http.RequestAborted;

        string payload;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
            payload = await reader.ReadToEndAsync(ct);
        var verdict = StripeSignature.Verify(payload, http.Request.Headers["Stripe-Signature"], stripe.WebhookSecret!, clock.GetUtcNow(), stripe.WebhookToleranceSeconds);
        if (verdict != StripeSignature.Result.Valid)
        {
            log.LogWarning("Rejected Stripe webhook: {Verdict}", verdict);
            return Results.BadRequest(new { error = $"signature {verdict}" });
        }

        JsonDocument doc;
        try { doc = JsonDocument.Parse(payload); }
        catch (JsonException) { return Results.BadRequest(new { error = "invalid JSON" }); }
        using (doc)
        {
            var root = doc.RootElement;
            var eventId = Str(root, "id");
            var type = Str(root, "type");
            if (eventId is null || type is null || !root.TryGetProperty("data", out var data) || !data.TryGetProperty("object", out var obj))
                return Results.BadRequest(new { error = "not a Stripe event" });

            var orderId = OrderIdOf(obj);
            FulfilmentOutcome? outcome = null;
            switch (type)
            {
                case "checkout.session.completed" or "checkout.session.async_payment_succeeded":
                    if (orderId is null) break;
                    // Delayed payment methods complete the session unpaid; async_payment_succeeded follows.
                    if (Str(obj, "payment_status") is not ("paid" or "no_payment_required")) break;
                    outcome = await fulfilment.MarkPaidAsync(new PaymentNotice("stripe", eventId, type, orderId.Value, Str(obj, "id"),
                        Str(obj, "payment_intent"), obj.TryGetProperty("amount_total", out var total) && total.TryGetInt64(out var t) ? t : -1,
                        Str(obj, "currency")), ct);
                    break;
                case "checkout.session.expired":
                    if (orderId is null) break;
                    outcome = await fulfilment.ReleaseAsync(orderId.Value, OrderStatus.Expired, new PaymentNotice("stripe", eventId, type, orderId.Value, Str(obj, "id")), ct);
                    break;
                case "checkout.session.async_payment_failed":
                    if (orderId is null) break;
                    outcome = await fulfilment.ReleaseAsync(orderId.Value, OrderStatus.Failed, new PaymentNotice("stripe", eventId, type, orderId.Value, Str(obj, "id")), ct);
                    break;
                case "charge.refunded":
                    await ChargeRefundedAsync(db, refunds, eventId, obj, clock, ct);
                    return Results.Ok();
            }
            if (outcome is null) log.LogInformation("Stripe event {Id} of type {Type} acknowledged without action", eventId, type);
            return Results.Ok(new { outcome = outcome?.ToString() ?? "ignored" });
        }
    }

    private static async Task ChargeRefundedAsync(ShowgeoDb db, RefundService refunds, string eventId, JsonElement charge, TimeProvider clock, CancellationToken ct)
    {
        var paymentIntent = Str(charge, "payment_intent");
        var refunded = charge.TryGetProperty("amount_refunded", out var a) && a.TryGetInt64(out var v) ? v : 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var recorded = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO payment_events (id, provider, external_id, type, order_id, outcome, received_at)
            VALUES ({Guid.CreateVersion7()}, 'stripe', {eventId}, 'charge.refunded', NULL, '', {clock.GetUtcNow()})
            ON CONFLICT (provider, external_id) DO NOTHING
            """, ct);
        if (recorded == 0 || paymentIntent is null) return;
        var order = (await db.Set<Order>().FromSql($"SELECT * FROM orders WHERE provider_payment_id = {paymentIntent} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
        var applied = order is not null
            && string.Equals(Str(charge, "currency"), order.Currency, StringComparison.OrdinalIgnoreCase)
            && order.Status is OrderStatus.Paid or OrderStatus.PartiallyRefunded
            && await refunds.RecordExternalRefundAsync(order, refunded, ct);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE payment_events SET order_id = {order?.Id}, outcome = {(applied ? "RefundRecorded" : "NoChange")} WHERE provider = 'stripe' AND external_id = {eventId}", ct);
        await tx.CommitAsync(ct);
    }

    private static Guid? OrderIdOf(JsonElement obj)
    {
        var raw = Str(obj, "client_reference_id");
        if (raw is null && obj.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object) raw = Str(md, "order_id");
        return Guid.TryParse(raw, out var id) ? id : null;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}

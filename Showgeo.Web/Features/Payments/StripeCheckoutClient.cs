using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// Stripe's REST API over a typed HttpClient (no SDK): form-encoded bodies, Bearer key, pinned Stripe-Version, and a
/// deterministic Idempotency-Key so a retried request can never create a second session or refund.
/// </summary>
public sealed class StripeCheckoutClient(HttpClient http, IOptions<StripeOptions> options)
{
    public sealed record Session(string Id, string Url);

    public async Task<Session> CreateCheckoutSessionAsync(CheckoutRequest request, CancellationToken ct)
    {
        var orderId = request.OrderId.ToString();
        var form = new List<KeyValuePair<string, string>>
        {
            new("mode", "payment"),
            new("client_reference_id", orderId),
            new("metadata[order_id]", orderId),
            new("payment_intent_data[metadata][order_id]", orderId),
            new("success_url", request.SuccessUrl),
            new("cancel_url", request.CancelUrl),
            new("expires_at", request.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrEmpty(request.CustomerEmail)) form.Add(new("customer_email", request.CustomerEmail));
        for (var i = 0; i < request.Lines.Count; i++)
        {
            var line = request.Lines[i];
            var p = $"line_items[{i}]";
            form.Add(new($"{p}[price_data][currency]", request.Currency.ToLowerInvariant()));
            form.Add(new($"{p}[price_data][unit_amount]", line.UnitAmountMinor.ToString(CultureInfo.InvariantCulture)));
            form.Add(new($"{p}[price_data][product_data][name]", line.Name));
            form.Add(new($"{p}[quantity]", line.Quantity.ToString(CultureInfo.InvariantCulture)));
        }
        using var json = await PostAsync("/v1/checkout/sessions", form, $"checkout:{orderId}", ct);
        var root = json.RootElement;
        return new Session(root.GetProperty("id").GetString()!, root.GetProperty("url").GetString()!);
    }

    public async Task<string> CreateRefundAsync(RefundRequest request, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("payment_intent", request.PaymentId),
            new("amount", request.AmountMinor.ToString(CultureInfo.InvariantCulture)),
            new("reason", "requested_by_customer"),
            new("metadata[order_id]", request.OrderId.ToString()),
            new("metadata[refund_id]", request.RefundId.ToString()),
        };
        using var json = await PostAsync("/v1/refunds", form, $"refund:{request.RefundId}", ct);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private async Task<JsonDocument> PostAsync(string path, List<KeyValuePair<string, string>> form, string idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.Value.ApiBase), path))
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.SecretKey);
        request.Headers.Add("Stripe-Version", StripeOptions.PinnedApiVersion);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new PaymentProviderException("The payment provider could not be reached. Please try again.", ex);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new PaymentProviderException($"The payment provider refused the request ({(int)response.StatusCode}): {StripeError(body)}");
            return JsonDocument.Parse(body);
        }
    }

    private static string StripeError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        }
        catch (JsonException) { return ""; }
    }
}

public sealed class StripePaymentProvider(StripeCheckoutClient client) : IPaymentProvider
{
    public string Name => "stripe";

    // Stripe accepts expires_at 30 min to 24 h ahead; the hold lasts exactly as long as the session can be paid.
    public TimeSpan HoldDuration(TimeSpan configured) => configured < TimeSpan.FromMinutes(31) ? TimeSpan.FromMinutes(31) : configured;

    public async Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        var session = await client.CreateCheckoutSessionAsync(request, ct);
        return new CheckoutStart(session.Url, session.Id);
    }

    public Task<string> RefundAsync(RefundRequest request, CancellationToken ct) => client.CreateRefundAsync(request, ct);
}

/// <summary>The embedded default: the fan pays on the app's own clearly-labelled test page; refunds happen at once.</summary>
public sealed class LocalPaymentProvider : IPaymentProvider
{
    public string Name => "local";

    public TimeSpan HoldDuration(TimeSpan configured) => configured;

    public Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct) =>
        Task.FromResult(new CheckoutStart($"/pay/test/{request.OrderId}", $"local_{request.OrderId:N}"));

    public Task<string> RefundAsync(RefundRequest request, CancellationToken ct) =>
        Task.FromResult($"local_re_{request.RefundId:N}");
}

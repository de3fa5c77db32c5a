using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// Checkout Sessions and Refunds through Stripe.net's <see cref="StripeClient"/>, on the HttpClient that
/// IHttpClientFactory hands this typed client (its 30 s timeout applies to each attempt). Every call carries a
/// deterministic Idempotency-Key, so the SDK's own retries and any later retry of ours can never create a second
/// session or refund. SDK failures become <see cref="PaymentProviderException"/> with a message a fan can read.
/// </summary>
public sealed class StripeCheckoutClient
{
    /// <summary>
    /// One retry (the SDK's default is two). It covers the blips Stripe documents as retryable (a 409 lock conflict,
    /// a 5xx, a dropped connection) at ~0.5 s backoff, and is always safe because the key is the same. A fan waits in
    /// the checkout request meanwhile: with a 30 s timeout per attempt, one retry bounds that wait at about a minute
    /// when Stripe hangs, where two would make it a minute and a half. See https://docs.stripe.com/error-low-level.
    /// </summary>
    public const int MaxNetworkRetries = 1;

    public sealed record Session(string Id, string Url);

    private readonly IStripeClient _stripe;

    public StripeCheckoutClient(HttpClient http, IOptions<StripeOptions> options)
    {
        _stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = options.Value.SecretKey,
            ApiBase = options.Value.ApiBase,
            // No X-Stripe-Client-Telemetry: request timings are not sent to Stripe.
            HttpClient = new SystemNetHttpClient(http, MaxNetworkRetries, enableTelemetry: false),
        });
    }

    public async Task<Session> CreateCheckoutSessionAsync(CheckoutRequest request, CancellationToken ct)
    {
        var orderId = request.OrderId.ToString();
        var metadata = new Dictionary<string, string> { ["order_id"] = orderId };
        var create = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = orderId,
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = metadata },
            SuccessUrl = request.SuccessUrl,
            CancelUrl = request.CancelUrl,
            ExpiresAt = request.ExpiresAt.UtcDateTime,
            CustomerEmail = string.IsNullOrEmpty(request.CustomerEmail) ? null : request.CustomerEmail,
            LineItems = request.Lines.Select(line => new SessionLineItemOptions
            {
                Quantity = line.Quantity,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = request.Currency.ToLowerInvariant(),
                    UnitAmount = line.UnitAmountMinor,
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = line.Name },
                },
            }).ToList(),
        };
        var session = await CallAsync(() => new SessionService(_stripe).CreateAsync(create, Key($"checkout:{orderId}"), ct), ct);
        return new Session(session.Id, session.Url);
    }

    public async Task<string> CreateRefundAsync(RefundRequest request, CancellationToken ct)
    {
        var create = new RefundCreateOptions
        {
            PaymentIntent = request.PaymentId,
            Amount = request.AmountMinor,
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string>
            {
                ["order_id"] = request.OrderId.ToString(),
                ["refund_id"] = request.RefundId.ToString(),
            },
        };
        var refund = await CallAsync(() => new Stripe.RefundService(_stripe).CreateAsync(create, Key($"refund:{request.RefundId}"), ct), ct);
        return refund.Id;
    }

    private static RequestOptions Key(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (StripeException ex)
        {
            // A 5xx (after the SDK's retry), 409 or 429 says nothing about whether Stripe acted; a 4xx refusal does.
            var status = (int)ex.HttpStatusCode;
            throw new PaymentProviderException($"The payment provider refused the request ({status}): {ex.StripeError?.Message}", ex,
                outcomeUnknown: status is >= 500 or 409 or 429 or 0);
        }
        catch (HttpRequestException ex)
        {
            throw new PaymentProviderException("The payment provider could not be reached. Please try again.", ex, outcomeUnknown: true);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient's timeout (TaskCanceledException); a fan who gave up (ct) is not a provider failure.
            throw new PaymentProviderException("The payment provider could not be reached. Please try again.", ex, outcomeUnknown: true);
        }
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
    public string Name => PaymentMode.TestProvider;

    public TimeSpan HoldDuration(TimeSpan configured) => configured;

    public Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct) =>
        Task.FromResult(new CheckoutStart($"/pay/test/{request.OrderId}", $"local_{request.OrderId:N}"));

    public Task<string> RefundAsync(RefundRequest request, CancellationToken ct) =>
        Task.FromResult($"local_re_{request.RefundId:N}");
}

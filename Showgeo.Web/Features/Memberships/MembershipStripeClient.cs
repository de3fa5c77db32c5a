using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Payments;
using Stripe;
using Stripe.Checkout;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// Membership subscriptions through Stripe.net: Checkout in subscription mode, the customer portal, and cancelling at
/// the period end. Like <see cref="StripeCheckoutClient"/>, every creating call carries a deterministic idempotency key
/// and SDK failures become <see cref="PaymentProviderException"/> with a message a fan can read. The membership id
/// travels as metadata on the session and the subscription, so every later webhook names its membership.
/// </summary>
public sealed class MembershipStripeClient
{
    private readonly IStripeClient _stripe;

    public MembershipStripeClient(HttpClient http, IOptions<StripeOptions> options)
    {
        _stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = options.Value.SecretKey,
            ApiBase = options.Value.ApiBase,
            HttpClient = new SystemNetHttpClient(http, StripeCheckoutClient.MaxNetworkRetries, enableTelemetry: false),
        });
    }

    public sealed record Checkout(string SessionId, string Url);

    public async Task<Checkout> CreateSubscriptionCheckoutAsync(Membership membership, string productName, DateTimeOffset expiresAt,
        string successUrl, string cancelUrl, string? email, CancellationToken ct)
    {
        var id = membership.Id.ToString();
        var metadata = new Dictionary<string, string> { ["membership_id"] = id };
        var create = new SessionCreateOptions
        {
            Mode = "subscription",
            ClientReferenceId = id,
            Metadata = metadata,
            SubscriptionData = new SessionSubscriptionDataOptions { Metadata = metadata },
            SuccessUrl = successUrl,
            CancelUrl = cancelUrl,
            ExpiresAt = expiresAt.UtcDateTime,
            CustomerEmail = string.IsNullOrEmpty(email) ? null : email,
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = membership.Currency.ToLowerInvariant(),
                        UnitAmount = membership.PriceMinor,
                        Recurring = new SessionLineItemPriceDataRecurringOptions { Interval = "month" },
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = productName },
                    },
                },
            ],
        };
        var session = await CallAsync(() => new SessionService(_stripe).CreateAsync(create, Key($"membership-checkout:{id}"), ct), ct);
        return new Checkout(session.Id, session.Url);
    }

    /// <summary>A customer-portal session where the fan manages payment details and invoices.</summary>
    public async Task<string> CreatePortalSessionAsync(string customerId, string returnUrl, CancellationToken ct)
    {
        var create = new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl };
        var session = await CallAsync(() => new Stripe.BillingPortal.SessionService(_stripe).CreateAsync(create, cancellationToken: ct), ct);
        return session.Url;
    }

    /// <summary>Stops renewal: the subscription ends when the paid period does (Stripe then sends subscription.deleted).</summary>
    public async Task CancelAtPeriodEndAsync(string subscriptionId, CancellationToken ct)
    {
        var update = new SubscriptionUpdateOptions { CancelAtPeriodEnd = true };
        await CallAsync(() => new SubscriptionService(_stripe).UpdateAsync(subscriptionId, update, Key($"membership-cancel:{subscriptionId}"), ct), ct);
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
            throw new PaymentProviderException($"The payment provider refused the request ({(int)ex.HttpStatusCode}): {ex.StripeError?.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new PaymentProviderException("The payment provider could not be reached. Please try again.", ex, outcomeUnknown: true);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new PaymentProviderException("The payment provider could not be reached. Please try again.", ex, outcomeUnknown: true);
        }
    }
}

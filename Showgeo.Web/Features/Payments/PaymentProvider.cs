namespace Showgeo.Web.Features.Payments;

public sealed record CheckoutLine(string Name, long UnitAmountMinor, int Quantity);

public sealed record CheckoutRequest(
    Guid OrderId, string Currency, IReadOnlyList<CheckoutLine> Lines, DateTimeOffset ExpiresAt,
    string SuccessUrl, string CancelUrl, string? CustomerEmail);

/// <summary>Where to send the fan to pay, and the provider's id for that payment attempt.</summary>
public sealed record CheckoutStart(string RedirectUrl, string? SessionId);

public sealed record RefundRequest(Guid RefundId, Guid OrderId, string PaymentId, long AmountMinor, string Currency);

/// <param name="OutcomeUnknown">
/// The call may have gone through (a timeout, a lost connection, a provider error after the retry): only asking again
/// with the same idempotency key tells. False when the provider answered and refused.
/// </param>
public sealed class PaymentProviderException(string message, Exception? inner = null, bool outcomeUnknown = false) : Exception(message, inner)
{
    public bool OutcomeUnknown { get; } = outcomeUnknown;
}

/// <summary>
/// The one payment interface. Both providers end in <see cref="Tickets.OrderFulfilment"/>: Stripe through its signed
/// webhook, the local provider through the app's test-payment page.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Stored on orders: "stripe" or "local".</summary>
    string Name { get; }

    /// <summary>How long seats are held for one checkout with this provider.</summary>
    TimeSpan HoldDuration(TimeSpan configured);

    Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct);

    /// <summary>Returns the provider's refund id.</summary>
    Task<string> RefundAsync(RefundRequest request, CancellationToken ct);
}

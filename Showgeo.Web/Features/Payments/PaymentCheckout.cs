using Showgeo.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Showgeo.Web.Features.Payments;

/// <summary>Places a kind's pending order with its hold in one transaction, then sends the buyer to pay.</summary>
public sealed class PaymentCheckout(ShowgeoDb db, OrderKinds kinds, IPaymentProvider provider, OrderFulfilment fulfilment)
{
    /// <summary>The provider decides how long a hold may last (Stripe sessions live at least 30 minutes).</summary>
    public TimeSpan HoldDuration(TimeSpan configured) => provider.HoldDuration(configured);

    public string ProviderName => provider.Name;

    /// <summary>
    /// Inserts <paramref name="order"/> and lets its kind reserve the stock, in one transaction. Returns the line that
    /// could not be reserved (nothing is written), or null when the order now holds its stock.
    /// </summary>
    public async Task<OrderLine?> PlaceAsync(Order order, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(order);
        await db.SaveChangesAsync(ct);
        var unheld = await kinds.For(order.Kind).HoldAsync(order, ct);
        if (unheld is not null)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return unheld;
        }
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return null;
    }

    /// <summary>Starts payment for a held order; if the provider fails the hold is released at once.</summary>
    public async Task<(CheckoutStart? Start, string? Error)> StartAsync(Order order, string baseUrl, string? email, CancellationToken ct)
    {
        var receipt = baseUrl + kinds.For(order.Kind).ReceiptPath(order.Id);
        try
        {
            var start = await provider.StartCheckoutAsync(new CheckoutRequest(
                order.Id, order.Currency, order.Lines.Select(l => new CheckoutLine(l.Name, l.UnitPriceMinor, l.Quantity)).ToList(),
                order.HoldExpiresAt, $"{receipt}?paid=1", $"{receipt}?cancelled=1", email), ct);
            await db.Database.ExecuteSqlAsync($"UPDATE orders SET provider_session_id = {start.SessionId} WHERE id = {order.Id}", ct);
            return (start, null);
        }
        catch (PaymentProviderException ex)
        {
            await fulfilment.ReleaseAsync(order.Id, OrderStatus.Failed, null, ct);
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The buyer gave up (closed the tab, lost the connection) before reaching the payment page: free the hold
            // now rather than when it expires. Not the request's token: it is already cancelled.
            await fulfilment.ReleaseAsync(order.Id, OrderStatus.Cancelled, null, CancellationToken.None);
            throw;
        }
    }
}

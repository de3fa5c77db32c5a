namespace Showgeo.Web.Features.Payments;

/// <summary>One unit of a paid order that can be refunded on its own (a ticket).</summary>
public sealed record RefundableUnit(Guid Id, long PriceMinor, long RefundedMinor);

/// <summary>
/// What a kind of order (tickets, store, membership, wallet top-up…) does at each step of the order's life. Payments
/// calls these inside its own transaction, with the order row locked, so the kind's stock moves atomically with the
/// order's status. A kind registers with <see cref="PaymentsSetup.AddOrderKind{TKind}"/>; Payments never names one.
/// </summary>
public interface IOrderKind
{
    /// <summary>Stored on <see cref="Order.Kind"/>.</summary>
    string Kind { get; }

    /// <summary>
    /// Reserves stock for a new pending order, in the transaction that inserts it. Returns the line that could not be
    /// reserved (the whole order is then rolled back), or null when every line is held.
    /// </summary>
    Task<OrderLine?> HoldAsync(Order order, CancellationToken ct);

    /// <summary>
    /// Delivers a paid order. <paramref name="held"/> says whether its stock is still held (a pending order); when it is
    /// not (the hold lapsed before the payment landed), the kind reserves the stock again if it can. False means the
    /// goods are gone: Payments refunds the payment in full.
    /// </summary>
    Task<bool> FulfilAsync(Order order, IReadOnlyList<OrderLine> lines, bool held, CancellationToken ct);

    /// <summary>Gives back the stock these pending orders held (failed, expired, abandoned, cancelled).</summary>
    Task ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct);

    /// <summary>The order's units not yet refunded.</summary>
    Task<IReadOnlyList<RefundableUnit>> RefundableUnitsAsync(Guid orderId, CancellationToken ct);

    /// <summary>
    /// A refund went through: cancel <paramref name="unitIds"/> (every remaining unit when the order is now
    /// <paramref name="fullyRefunded"/>), so they stop working at once, and return their stock.
    /// </summary>
    Task RefundedAsync(Order order, IReadOnlyCollection<Guid> unitIds, bool fullyRefunded, CancellationToken ct);

    /// <summary>Where the buyer follows the order (payment result, receipt).</summary>
    string ReceiptPath(Guid orderId);

    /// <summary>What is being bought, in a few words, for the test-payment page and receipts.</summary>
    Task<string> TitleAsync(Order order, CancellationToken ct);
}

/// <summary>The registered kinds, by name.</summary>
public sealed class OrderKinds(IEnumerable<IOrderKind> kinds)
{
    private readonly Dictionary<string, IOrderKind> _byName = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    public IOrderKind For(string kind) =>
        _byName.TryGetValue(kind, out var k) ? k : throw new InvalidOperationException($"No order kind '{kind}' is registered.");
}

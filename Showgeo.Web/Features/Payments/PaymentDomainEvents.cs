using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Payments;

/// <summary>An order's payment was accepted and its kind fulfilled it (tickets issued, goods reserved…).</summary>
public sealed record OrderPaid(Guid OrderId, string Kind, Guid UserId, long TotalMinor, string Currency) : IDomainEvent;

/// <summary>Money went back to the buyer: <paramref name="AmountMinor"/> now, <paramref name="RefundedTotalMinor"/> in all.</summary>
public sealed record OrderRefunded(Guid OrderId, Guid RefundId, string Kind, Guid UserId, long AmountMinor, long RefundedTotalMinor,
    string Currency, bool FullyRefunded) : IDomainEvent;

using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// A product went on sale: published without a drop time, or its drop time came (raised by <see cref="ProductDropJob"/>
/// within one tick of it). Raised once per product, in the transaction that records <see cref="Product.DroppedAt"/>.
/// <paramref name="Visibility"/> says who may buy it (Public, Followers, TicketHolders with
/// <paramref name="HoldersEventId"/>), so a notifier can pick the audience; <paramref name="Path"/> is the product page.
/// </summary>
public sealed record ProductDropped(Guid ProductId, Guid EntityId, string EntitySlug, string EntityName, string ProductSlug,
    string ProductName, Guid? EventId, string Visibility, Guid? HoldersEventId, long PriceMinor, string Currency,
    DateTimeOffset DroppedAt, string Path) : IDomainEvent;

/// <summary>A manager marked a store order shipped; the buyer sees it on the order page and hears of it by mail.</summary>
public sealed record StoreOrderShipped(Guid OrderId, Guid EntityId, Guid UserId, DateTimeOffset ShippedAt) : IDomainEvent;

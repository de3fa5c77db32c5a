using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Notifications;

/// <summary>
/// Writes an entity's broadcast: one row whatever the follower count, with its reach counted first (outside the write
/// lock). The extension point for other features' broadcasts: a handler of their domain event (a store's
/// <c>ProductDropped</c> → <see cref="NotificationKind.NewDrop"/>) calls <see cref="AnnounceAsync"/>.
/// </summary>
public sealed class EntityBroadcaster(ShowgeoDb db, NotificationWriter writer)
{
    public async Task<long?> AnnounceAsync(Guid entityId, Guid? eventId, string kind, string sourceKey, bool toFollowers,
        string title, string body, string? link, CancellationToken ct)
    {
        // A redelivered event skips the count, which is the costly part for a big entity.
        if (await writer.ExistsAsync(sourceKey, ct)) return null;
        var reach = toFollowers ? await NotificationAudience.ReachAsync(db, entityId, kind, ct) : 0;
        return await writer.WriteAsync(new NewNotification(kind, sourceKey, title, body, link)
        {
            EntityId = entityId, EventId = eventId, ToFollowers = toFollowers, Reach = reach,
        }, ct);
    }
}

/// <summary>What a notice says about an event, read once per handler.</summary>
internal sealed record EventFacts(Guid Id, Guid EntityId, string Title, string Slug, string EntityName, EventVisibility Visibility, bool IsFree)
{
    public static Task<EventFacts?> LoadAsync(ShowgeoDb db, Guid eventId, CancellationToken ct) =>
        db.Set<Event>().AsNoTracking().Where(e => e.Id == eventId)
            .Select(e => new EventFacts(e.Id, e.EntityId, e.Title, e.Slug, e.Entity!.Name, e.Visibility, e.IsFree))
            .SingleOrDefaultAsync(ct);

    /// <summary>Unlisted events are not announced to followers; people who hold tickets or RSVPs still hear about them.</summary>
    public bool ToFollowers => Visibility != EventVisibility.Unlisted;
}

/// <summary>NEW_EVENT: a followed entity announced an event.</summary>
public sealed class NewEventNotice(ShowgeoDb db, EntityBroadcaster broadcaster, LinkGenerator links) : IDomainEventHandler<EventPublished>
{
    public async Task HandleAsync(EventPublished published, DomainEventContext context, CancellationToken ct)
    {
        if (await EventFacts.LoadAsync(db, published.EventId, ct) is not { ToFollowers: true } ev) return;
        await broadcaster.AnnounceAsync(ev.EntityId, ev.Id, NotificationKind.NewEvent, $"new-event:{ev.Id}", toFollowers: true,
            $"{ev.EntityName} announced {ev.Title}", "A new event is on: see the date, the place and how to get in.",
            links.GetPathByPage("/Events/Details", values: new { slug = ev.Slug }), ct);
    }
}

/// <summary>
/// LIVE_NOW and PHASE_UPDATE: one broadcast per phase an event reaches (an event reaches each phase at most once, so
/// the phase is the natural key). Followers see it through their follows, ticket holders and RSVPs through the event.
/// </summary>
public sealed class PhaseChangeNotice(ShowgeoDb db, EntityBroadcaster broadcaster, LinkGenerator links) : IDomainEventHandler<EventPhaseChanged>
{
    public async Task HandleAsync(EventPhaseChanged changed, DomainEventContext context, CancellationToken ct)
    {
        // Publication is NEW_EVENT; a draft cancelled before anyone saw it tells nobody.
        if (changed.From == EventPhase.Draft) return;
        if (await EventFacts.LoadAsync(db, changed.EventId, ct) is not { } ev) return;
        var link = links.GetPathByPage("/Events/Details", values: new { slug = ev.Slug });
        var (kind, title, body) = changed.To switch
        {
            EventPhase.Live => (NotificationKind.LiveNow, $"{ev.EntityName} is live now: {ev.Title}", "It has started. Join in while it is on."),
            EventPhase.Post => (NotificationKind.PhaseUpdate, $"{ev.Title} has ended", "Thanks for coming. The event page keeps what happened."),
            EventPhase.Cancelled => (NotificationKind.PhaseUpdate, $"{ev.Title} is cancelled", CancellationText(ev, changed.Note)),
            _ => (NotificationKind.PhaseUpdate, $"{ev.Title} is now {changed.To}", changed.Note ?? ""),
        };
        await broadcaster.AnnounceAsync(ev.EntityId, ev.Id, kind, $"phase:{ev.Id}:{changed.To}", ev.ToFollowers, title, body, link, ct);
    }

    /// <summary>
    /// What happens to the money, as the cancellation handler does it (see RefundCancelledEventOrders): every paid
    /// ticket order is refunded in full to the way it was paid, and unpaid holds are released.
    /// </summary>
    internal static string CancellationText(EventFacts ev, string? note)
    {
        var money = ev.IsFree
            ? "It was free to attend, so there is nothing to refund; your RSVP no longer holds a place."
            : "If you bought tickets, your money comes back in full to the way you paid: the refund starts automatically and you will get a notice when it is issued. Unpaid reservations are released.";
        return note is null ? money : $"{money} From the organiser: “{note}”";
    }
}

/// <summary>
/// NEW_DROP: a product went on sale. Public and followers-only products go to the entity's followers; a product for the
/// ticket holders of one event goes to that event's audience only, so nobody hears of a drop they may not buy.
/// </summary>
public sealed class NewDropNotice(EntityBroadcaster broadcaster) : IDomainEventHandler<ProductDropped>
{
    public async Task HandleAsync(ProductDropped dropped, DomainEventContext context, CancellationToken ct)
    {
        var forHolders = dropped.Visibility == nameof(ProductVisibility.TicketHolders);
        if (forHolders && dropped.HoldersEventId is null) return;
        await broadcaster.AnnounceAsync(dropped.EntityId, forHolders ? dropped.HoldersEventId : dropped.EventId, NotificationKind.NewDrop,
            $"drop:{dropped.ProductId}", toFollowers: !forHolders,
            $"{dropped.EntityName} dropped {dropped.ProductName}",
            $"On sale now for {Money.Format(dropped.PriceMinor, dropped.Currency)}, while stock lasts.", dropped.Path, ct);
    }
}

/// <summary>
/// NEW_POST: a followed entity published a post. Every post goes to the entity's followers; a members-only post's
/// notice carries its title only (the title is its public teaser) and says who may read it, never the body.
/// </summary>
public sealed class NewPostNotice(EntityBroadcaster broadcaster) : IDomainEventHandler<PostPublished>
{
    public async Task HandleAsync(PostPublished published, DomainEventContext context, CancellationToken ct)
    {
        var body = published.Visibility == nameof(PostVisibility.Members) || string.IsNullOrWhiteSpace(published.Teaser)
            ? published.Visibility == nameof(PostVisibility.Members) ? "A post for members. Open it to see how to read it." : "Open it to read more."
            : Truncate(published.Teaser, 280);
        await broadcaster.AnnounceAsync(published.EntityId, null, NotificationKind.NewPost, $"post:{published.PostId}", toFollowers: true,
            Truncate($"{published.EntityName} posted: {published.Title}", 300), body, published.Path, ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

/// <summary>Ticket purchased (an <see cref="OrderPaid"/> of the tickets kind): direct to the buyer.</summary>
public sealed class TicketPurchaseNotice(ShowgeoDb db, NotificationWriter writer, LinkGenerator links) : IDomainEventHandler<OrderPaid>
{
    public async Task HandleAsync(OrderPaid paid, DomainEventContext context, CancellationToken ct)
    {
        if (paid.Kind != TicketOrderKind.Name) return;
        var order = await db.Set<Order>().AsNoTracking().Where(o => o.Id == paid.OrderId)
            .Select(o => new { o.ReferenceId, Quantity = o.Lines.Sum(l => l.Quantity) }).SingleOrDefaultAsync(ct);
        if (order?.ReferenceId is not { } eventId || await EventFacts.LoadAsync(db, eventId, ct) is not { } ev) return;
        var tickets = order.Quantity == 1 ? "1 ticket" : $"{order.Quantity} tickets";
        await writer.WriteAsync(new NewNotification(NotificationKind.TicketPurchased, $"order-paid:{paid.OrderId}",
            $"Your tickets for {ev.Title}", $"You bought {tickets} for {Money.Format(paid.TotalMinor, paid.Currency)}. They are in your tickets, ready to show at the door.",
            links.GetPathByPage("/Tickets/Wallet"))
        { UserId = paid.UserId, EventId = ev.Id }, ct);
    }
}

/// <summary>Refund issued: direct to the buyer, one per refund.</summary>
public sealed class RefundNotice(NotificationWriter writer, LinkGenerator links) : IDomainEventHandler<OrderRefunded>
{
    public async Task HandleAsync(OrderRefunded refunded, DomainEventContext context, CancellationToken ct)
    {
        var amount = Money.Format(refunded.AmountMinor, refunded.Currency);
        var body = refunded.FullyRefunded
            ? $"{amount} is on its way back to the way you paid; the order is now refunded in full."
            : $"{amount} is on its way back to the way you paid ({Money.Format(refunded.RefundedTotalMinor, refunded.Currency)} refunded on this order so far).";
        await writer.WriteAsync(new NewNotification(NotificationKind.RefundIssued, $"refund:{refunded.RefundId}", $"Refund issued: {amount}", body,
            refunded.Kind == TicketOrderKind.Name ? links.GetPathByPage("/Tickets/Wallet") : null)
        { UserId = refunded.UserId }, ct);
    }
}

/// <summary>Role granted on an entity: direct to the person. The same person may be granted roles many times, so the key is the event's id.</summary>
public sealed class RoleGrantedNotice(ShowgeoDb db, NotificationWriter writer, LinkGenerator links) : IDomainEventHandler<EntityRoleGranted>
{
    public async Task HandleAsync(EntityRoleGranted granted, DomainEventContext context, CancellationToken ct)
    {
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Id == granted.EntityId)
            .Select(e => new { e.Name, e.Slug }).SingleOrDefaultAsync(ct);
        if (entity is null) return;
        var role = granted.Role.ToString().ToLowerInvariant();
        await writer.WriteAsync(new NewNotification(NotificationKind.RoleGranted, $"role:{context.MessageId}",
            $"You are now {(granted.Role == EntityRole.Owner ? "the owner" : $"a {role}")} of {entity.Name}",
            "Its dashboard is under Manage.", links.GetPathByPage("/Entities/Manage/Dashboard", values: new { slug = entity.Slug }))
        { UserId = granted.UserId, EntityId = null }, ct);
    }
}

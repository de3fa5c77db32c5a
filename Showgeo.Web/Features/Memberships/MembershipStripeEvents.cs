using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;
using CheckoutSession = Stripe.Checkout.Session;
using EventTypes = Stripe.EventTypes;
using Invoice = Stripe.Invoice;
using StripeEvent = Stripe.Event;
using Subscription = Stripe.Subscription;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// Keeps memberships true to their Stripe subscriptions. Payments has verified the event and recorded its id (a replay
/// never reaches here); this finds the membership by the metadata it was created with (or its subscription id),
/// locks its row, and applies the event as a signal dated by the event's created time (<see cref="MembershipState"/>),
/// so deliveries in any order end in the state the events describe.
/// </summary>
public sealed class MembershipStripeEvents(ShowgeoDb db, IOptions<MembershipsOptions> options, TimeProvider clock,
    ILogger<MembershipStripeEvents> log) : IStripeSubscriptionEvents
{
    public async Task<string?> HandleAsync(StripeEvent evt, CancellationToken ct)
    {
        var at = new DateTimeOffset(DateTime.SpecifyKind(evt.Created, DateTimeKind.Utc));
        switch (evt.Type)
        {
            case EventTypes.CheckoutSessionCompleted when evt.Data.Object is CheckoutSession session:
            {
                var m = await FindAsync(IdFrom(session.Metadata) ?? IdFrom(session.ClientReferenceId), session.SubscriptionId, ct);
                if (m is null) return null;
                if (session.PaymentStatus is not ("paid" or "no_payment_required")) return "MembershipUnpaid";
                var started = new DateTimeOffset(DateTime.SpecifyKind(session.Created, DateTimeKind.Utc));
                return await ApplyAsync(m, session.SubscriptionId, session.CustomerId,
                    x => MembershipState.Paid(x, at, MembershipState.PeriodAfter(started)), ct);
            }
            case EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed when evt.Data.Object is Invoice invoice:
            {
                var details = invoice.Parent?.SubscriptionDetails;
                var m = await FindAsync(IdFrom(details?.Metadata), details?.SubscriptionId, ct);
                if (m is null) return null;
                if (evt.Type == EventTypes.InvoicePaymentFailed)
                    return await ApplyAsync(m, details?.SubscriptionId, invoice.CustomerId, x => MembershipState.Failed(x, at), ct);
                var periodEnd = invoice.Lines?.Data?.Where(l => l.Period is not null).Select(l => (DateTime?)l.Period.End).Max();
                if (periodEnd is not { } end) return "MembershipNoPeriod";
                return await ApplyAsync(m, details?.SubscriptionId, invoice.CustomerId,
                    x => MembershipState.Paid(x, at, new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc))), ct);
            }
            case EventTypes.CustomerSubscriptionUpdated or EventTypes.CustomerSubscriptionDeleted when evt.Data.Object is Subscription sub:
            {
                var m = await FindAsync(IdFrom(sub.Metadata), sub.Id, ct);
                if (m is null) return null;
                if (evt.Type == EventTypes.CustomerSubscriptionUpdated)
                    return await ApplyAsync(m, sub.Id, sub.CustomerId, x => MembershipState.Updated(x, at, sub.CancelAtPeriodEnd), ct);
                var endedAt = sub.EndedAt is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : at;
                return await ApplyAsync(m, sub.Id, sub.CustomerId, x => MembershipState.Ended(x, endedAt), ct);
            }
        }
        return null;
    }

    private async Task<string> ApplyAsync(Membership m, string? subscriptionId, string? customerId, Action<Membership> signal, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var wasStarted = m.PaidSignalAt is not null;
        var wasEnded = m.EndedAt is not null;
        if (subscriptionId is not null && m.StripeSubscriptionId is null) m.StripeSubscriptionId = subscriptionId;
        if (customerId is not null && m.StripeCustomerId is null) m.StripeCustomerId = customerId;
        signal(m);
        MembershipState.Recompute(m, options.Value.Grace);
        m.UpdatedAt = now;
        if (!wasStarted && m.PaidSignalAt is not null && m.EndedAt is null)
        {
            var tierName = await db.Set<MembershipTier>().Where(t => t.Id == m.TierId).Select(t => t.Name).SingleAsync(ct);
            db.AddDomainEvent(new MembershipStarted(m.Id, m.EntityId, m.TierId, m.UserId, tierName, m.PriceMinor, m.Currency, m.IsTest, m.AccessUntil!.Value), now);
        }
        if (!wasEnded && m.EndedAt is { } ended)
            db.AddDomainEvent(new MembershipEnded(m.Id, m.EntityId, m.TierId, m.UserId, ended), now);
        await db.SaveChangesAsync(ct);
        return $"Membership{m.Status}";
    }

    /// <summary>The membership row, locked for the rest of Payments' transaction.</summary>
    private async Task<Membership?> FindAsync(Guid? membershipId, string? subscriptionId, CancellationToken ct)
    {
        Membership? m = null;
        if (membershipId is { } id)
            m = (await db.Set<Membership>().FromSql($"SELECT * FROM memberships WHERE id = {id} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
        if (m is null && subscriptionId is not null)
            m = (await db.Set<Membership>().FromSql($"SELECT * FROM memberships WHERE stripe_subscription_id = {subscriptionId} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
        if (m is null && (membershipId is not null || subscriptionId is not null))
            log.LogWarning("Stripe subscription event for unknown membership {Membership} / subscription {Subscription}", membershipId, subscriptionId);
        return m;
    }

    private static Guid? IdFrom(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("membership_id", out var raw) ? IdFrom(raw) : null;

    private static Guid? IdFrom(string? raw) => Guid.TryParse(raw, out var id) ? id : null;
}

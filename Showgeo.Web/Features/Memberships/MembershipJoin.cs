using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Memberships;

/// <summary>Where a join goes next: the payment page, or the reason it was refused (nothing written).</summary>
public sealed record JoinOutcome(string? RedirectUrl, string? Refusal);

/// <summary>
/// Joins a fan to a tier. With Stripe: a pending membership holds the seat while the fan pays in Checkout in
/// subscription mode, and the webhooks do the rest. Without: the first month is an order of the "membership" kind,
/// paid on Payments' test-payment page like any other order.
/// </summary>
public sealed class MembershipJoin(ShowgeoDb db, IServiceProvider services, IOptions<StripeOptions> stripe,
    IOptions<MembershipsOptions> options, MembershipSeats seats, MembershipHoldRefusals refusals, TimeProvider clock, LinkGenerator links)
{
    public async Task<JoinOutcome> JoinAsync(Guid tierId, Guid userId, string baseUrl, string? email, CancellationToken ct)
    {
        var tier = await db.Set<MembershipTier>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == tierId, ct);
        if (tier is null) return new(null, MembershipSeats.NotFoundMessage);
        var entityName = await db.Set<Entity>().Where(e => e.Id == tier.EntityId).Select(e => e.Name).SingleAsync(ct);
        var mine = baseUrl + (links.GetPathByPage("/Memberships/Mine") ?? "/me/memberships");
        return stripe.Value.Enabled
            ? await JoinWithStripeAsync(tier, entityName, userId, mine, email, ct)
            : await JoinWithTestPaymentAsync(tier, entityName, userId, baseUrl, email, ct);
    }

    private async Task<JoinOutcome> JoinWithTestPaymentAsync(MembershipTier tier, string entityName, Guid userId, string baseUrl, string? email, CancellationToken ct)
    {
        var checkout = services.GetRequiredService<PaymentCheckout>();
        var now = clock.GetUtcNow();
        var order = new Order
        {
            Id = Guid.CreateVersion7(), UserId = userId, Kind = MembershipOrderKind.Name, ReferenceId = tier.Id, Status = OrderStatus.Pending,
            TotalMinor = tier.PriceMinor, Currency = tier.Currency, Provider = checkout.ProviderName,
            HoldExpiresAt = now + checkout.HoldDuration(options.Value.Hold), CreatedAt = now,
        };
        order.Lines.Add(new OrderLine
        {
            Id = Guid.CreateVersion7(), OrderId = order.Id, ItemId = tier.Id, Name = Truncate($"{tier.Name} · {entityName} · first month", 120),
            Quantity = 1, UnitPriceMinor = tier.PriceMinor,
        });
        try
        {
            if (await checkout.PlaceAsync(order, ct) is not null)
                return new(null, refusals.Last ?? $"{tier.Name} cannot take new members right now.");
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return new(null, $"You already have a membership of {entityName}.");
        }
        var (start, error) = await checkout.StartAsync(order, baseUrl, email, ct);
        return start is null ? new(null, error) : new(start.RedirectUrl, null);
    }

    private async Task<JoinOutcome> JoinWithStripeAsync(MembershipTier tier, string entityName, Guid userId, string mine, string? email, CancellationToken ct)
    {
        var client = services.GetRequiredService<MembershipStripeClient>();
        // Stripe takes a session expiry 30 minutes to 24 hours ahead; the seat is held exactly as long.
        var holdUntil = clock.GetUtcNow() + (options.Value.Hold < TimeSpan.FromMinutes(31) ? TimeSpan.FromMinutes(31) : options.Value.Hold);
        Membership membership;
        db.ChangeTracker.Clear();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var held = await seats.HoldAsync(tier.Id, userId, holdUntil, isTest: false, orderId: null, ct);
            if (held.Membership is null) return new(null, held.Refusal);
            membership = held.Membership;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                return new(null, $"You already have a membership of {entityName}.");
            }
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        try
        {
            var session = await client.CreateSubscriptionCheckoutAsync(membership, $"{tier.Name} · {entityName}", holdUntil,
                $"{mine}?joined=1", $"{mine}?cancelled=1", email, ct);
            await db.Database.ExecuteSqlAsync($"UPDATE memberships SET stripe_checkout_session_id = {session.SessionId} WHERE id = {membership.Id}", ct);
            return new(session.Url, null);
        }
        catch (PaymentProviderException ex)
        {
            // Nothing to pay for: give the seat back at once.
            await db.Database.ExecuteSqlAsync($"UPDATE memberships SET hold_until = {clock.GetUtcNow()} WHERE id = {membership.Id} AND status = 'Pending'", CancellationToken.None);
            return new(null, ex.Message);
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Memberships;

public sealed record MyMembershipRow(Membership Membership, string EntitySlug, string EntityName, string TierName, DateTimeOffset Now)
{
    public bool HasAccess => Membership.HasAccess(Now);
    public bool CanCancel => HasAccess && !Membership.CancelAtPeriodEnd && Membership.Status is MembershipStatus.Active or MembershipStatus.PastDue;

    public string StatusText => Membership switch
    {
        { Status: MembershipStatus.Ended } m => $"Ended {m.EndedAt!.Value.UtcDateTime:d MMM yyyy}",
        { Status: MembershipStatus.Pending } => "Awaiting the first payment",
        { Status: MembershipStatus.PastDue } m when HasAccess => $"Payment failed: access until {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy HH:mm} UTC while it is retried",
        { Status: MembershipStatus.PastDue } => "Lapsed: the renewal payment failed",
        { CancelAtPeriodEnd: true } m when HasAccess => $"Cancelled: access until {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy}",
        { CancelAtPeriodEnd: true } m => $"Ended {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy}",
        var m when HasAccess => $"Active: renews {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy}",
        var m => $"Expired {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy}",
    };
}

/// <summary>
/// The fan's memberships: status, renewal or access date, cancel at the period end, and (Stripe) a customer-portal
/// link. Every handler finds the membership among the signed-in fan's own, so another fan's id is a 404 that changes
/// nothing. In Development and Testing, test-payment memberships can simulate a renewal and a failed renewal.
/// </summary>
public sealed class MineModel(ShowgeoDb db, IServiceProvider services, IOptions<StripeOptions> stripe, IOptions<MembershipsOptions> options,
    IHostEnvironment env, TimeProvider clock) : PageModel
{
    public const int Shown = 100;

    public List<MyMembershipRow> Memberships { get; private set; } = [];
    public bool StripeOn => stripe.Value.Enabled;
    public bool CanSimulate => env.IsDevelopment() || env.IsEnvironment("Testing");
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid membershipId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockMineAsync(membershipId, ct) is not { } m) return NotFound();
        if (!m.HasAccess(now) || m.CancelAtPeriodEnd || m.Status is not (MembershipStatus.Active or MembershipStatus.PastDue))
            return await RefuseAsync("This membership is not renewing, so there is nothing to cancel.", ct);
        if (m.StripeSubscriptionId is { } subscription)
        {
            try
            {
                await services.GetRequiredService<MembershipStripeClient>().CancelAtPeriodEndAsync(subscription, ct);
            }
            catch (PaymentProviderException ex)
            {
                return await RefuseAsync(ex.Message, ct);
            }
        }
        // Stripe's customer.subscription.updated confirms this later; dated by its created time it cannot undo it.
        MembershipState.Updated(m, now, cancelAtPeriodEnd: true);
        MembershipState.Recompute(m, options.Value.Grace);
        m.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Memberships/Mine")!,
            $"Cancelled. You keep access until {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy}; it will not renew.");
    }

    public async Task<IActionResult> OnPostPortalAsync(Guid membershipId, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        var customer = await db.Set<Membership>().AsNoTracking().Where(m => m.Id == membershipId && m.UserId == userId)
            .Select(m => new { m.StripeCustomerId }).SingleOrDefaultAsync(ct);
        if (customer is null) return NotFound();
        if (!StripeOn || customer.StripeCustomerId is not { } customerId)
            return await RefuseAsync("This membership is not billed through Stripe, so there is no billing portal for it.", ct);
        try
        {
            var url = await services.GetRequiredService<MembershipStripeClient>().CreatePortalSessionAsync(customerId,
                $"{Request.Scheme}://{Request.Host}{Url.Page("/Memberships/Mine")}", ct);
            if (Request.IsHtmx())
            {
                Response.Htmx(h => h.Redirect(url));
                return new OkResult();
            }
            return Redirect(url);
        }
        catch (PaymentProviderException ex)
        {
            return await RefuseAsync(ex.Message, ct);
        }
    }

    /// <summary>Development and Testing only: the next month of a test-payment membership is paid.</summary>
    public Task<IActionResult> OnPostSimulateRenewalAsync(Guid membershipId, CancellationToken ct) =>
        SimulateAsync(membershipId, renewed: true, ct);

    /// <summary>Development and Testing only: the paid period is over and its renewal failed (past due, then lapsed after the grace period).</summary>
    public Task<IActionResult> OnPostSimulateFailedRenewalAsync(Guid membershipId, CancellationToken ct) =>
        SimulateAsync(membershipId, renewed: false, ct);

    private async Task<IActionResult> SimulateAsync(Guid membershipId, bool renewed, CancellationToken ct)
    {
        if (!CanSimulate) return NotFound();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockMineAsync(membershipId, ct) is not { } m) return NotFound();
        if (!m.IsTest || m.Status is MembershipStatus.Ended or MembershipStatus.Pending || m.CancelAtPeriodEnd)
            return await RefuseAsync("Only a renewing membership paid with test payments can simulate renewals.", ct);
        var periodEnd = m.CurrentPeriodEnd ?? now;
        if (renewed)
            MembershipState.Paid(m, now, MembershipState.PeriodAfter(periodEnd > now ? periodEnd : now));
        else
        {
            // The paid period is treated as over now, so the grace period starts at once.
            m.CurrentPeriodEnd = now;
            MembershipState.Failed(m, now);
        }
        MembershipState.Recompute(m, options.Value.Grace);
        m.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Memberships/Mine")!, renewed
            ? $"Renewal simulated: paid until {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy}."
            : $"Failed renewal simulated: access until {m.AccessUntil!.Value.UtcDateTime:d MMM yyyy HH:mm} UTC, then it lapses.");
    }

    private async Task<Membership?> LockMineAsync(Guid membershipId, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        return (await db.Set<Membership>().FromSql($"SELECT * FROM memberships WHERE id = {membershipId} AND user_id = {userId} FOR UPDATE")
            .ToListAsync(ct)).FirstOrDefault();
    }

    private async Task<IActionResult> RefuseAsync(string message, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        Error = message;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        var now = clock.GetUtcNow();
        var rows = await (from m in db.Set<Membership>().AsNoTracking()
                          join t in db.Set<MembershipTier>() on m.TierId equals t.Id
                          join e in db.Set<Entity>() on m.EntityId equals e.Id
                          where m.UserId == userId
                          orderby m.Status == MembershipStatus.Ended, m.CreatedAt descending
                          select new { m, e.Slug, e.Name, Tier = t.Name }).Take(Shown).ToListAsync(ct);
        Memberships = rows.Select(r => new MyMembershipRow(r.m, r.Slug, r.Name, r.Tier, now)).ToList();
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using System.Security.Claims;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// The local provider's payment page. Its buttons produce the same notices a Stripe webhook would and go through
/// <see cref="OrderFulfilment"/>, so the whole purchase path runs without a Stripe account, for every order kind.
/// </summary>
[Authorize]
public sealed class TestPaymentModel(ShowgeoDb db, IPaymentProvider provider, OrderFulfilment fulfilment, OrderKinds kinds) : PageModel
{
    public Order Order { get; private set; } = null!;
    /// <summary>What is being bought, as the order's kind describes it.</summary>
    public string Title { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken ct) =>
        await LoadAsync(orderId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostPayAsync(Guid orderId, CancellationToken ct)
    {
        if (!await LoadAsync(orderId, ct)) return NotFound();
        var outcome = await fulfilment.MarkPaidAsync(new PaymentNotice("local", $"pay:{orderId}", "local.paid", orderId,
            PaymentId: $"local_pi_{orderId:N}", AmountMinor: Order.TotalMinor, Currency: Order.Currency), ct);
        return this.RedirectAfterPost(kinds.For(Order.Kind).ReceiptPath(orderId), outcome switch
        {
            FulfilmentOutcome.Fulfilled or FulfilmentOutcome.Duplicate or FulfilmentOutcome.AlreadyPaid => "Payment received. Your order is confirmed.",
            FulfilmentOutcome.RefundedNoSeats => "Your hold had expired and what you held has sold out, so the payment was refunded.",
            _ => "The payment could not be applied to this order.",
        });
    }

    public Task<IActionResult> OnPostFailAsync(Guid orderId, CancellationToken ct) =>
        EndAsync(orderId, OrderStatus.Failed, "fail", "The test payment failed. Your hold was released.", ct);

    public Task<IActionResult> OnPostAbandonAsync(Guid orderId, CancellationToken ct) =>
        EndAsync(orderId, OrderStatus.Cancelled, "abandon", "Payment abandoned. Your hold was released.", ct);

    private async Task<IActionResult> EndAsync(Guid orderId, OrderStatus status, string kind, string message, CancellationToken ct)
    {
        if (!await LoadAsync(orderId, ct)) return NotFound();
        await fulfilment.ReleaseAsync(orderId, status, new PaymentNotice("local", $"{kind}:{orderId}", $"local.{kind}", orderId), ct);
        return this.RedirectAfterPost(kinds.For(Order.Kind).ReceiptPath(orderId), message);
    }

    private async Task<bool> LoadAsync(Guid orderId, CancellationToken ct)
    {
        if (provider is not LocalPaymentProvider) return false;
        var userId = Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        var found = await db.Set<Order>().AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == userId && o.Provider == "local", ct);
        if (found is null) return false;
        Order = found;
        Title = await kinds.For(found.Kind).TitleAsync(found, ct);
        return true;
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Payments;

/// <summary>
/// The local provider's payment page. Its buttons produce the same notices a Stripe webhook would and go through
/// <see cref="OrderFulfilment"/>, so the whole purchase path runs without a Stripe account.
/// </summary>
[Authorize]
public sealed class TestPaymentModel(ShowgeoDb db, IPaymentProvider provider, OrderFulfilment fulfilment) : PageModel
{
    public Order Order { get; private set; } = null!;
    public string EventTitle { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken ct) =>
        await LoadAsync(orderId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostPayAsync(Guid orderId, CancellationToken ct)
    {
        if (!await LoadAsync(orderId, ct)) return NotFound();
        var outcome = await fulfilment.MarkPaidAsync(new PaymentNotice("local", $"pay:{orderId}", "local.paid", orderId,
            PaymentId: $"local_pi_{orderId:N}", AmountMinor: Order.TotalMinor, Currency: Order.Currency), ct);
        return this.RedirectAfterPost($"/me/orders/{orderId}", outcome switch
        {
            FulfilmentOutcome.Fulfilled or FulfilmentOutcome.Duplicate or FulfilmentOutcome.AlreadyPaid => "Payment received. Your tickets are in your wallet.",
            FulfilmentOutcome.RefundedNoSeats => "Your hold had expired and the seats were sold, so the payment was refunded.",
            _ => "The payment could not be applied to this order.",
        });
    }

    public Task<IActionResult> OnPostFailAsync(Guid orderId, CancellationToken ct) =>
        EndAsync(orderId, OrderStatus.Failed, "fail", "The test payment failed. Your seats were released.", ct);

    public Task<IActionResult> OnPostAbandonAsync(Guid orderId, CancellationToken ct) =>
        EndAsync(orderId, OrderStatus.Cancelled, "abandon", "Payment abandoned. Your seats were released.", ct);

    private async Task<IActionResult> EndAsync(Guid orderId, OrderStatus status, string kind, string message, CancellationToken ct)
    {
        if (!await LoadAsync(orderId, ct)) return NotFound();
        await fulfilment.ReleaseAsync(orderId, status, new PaymentNotice("local", $"{kind}:{orderId}", $"local.{kind}", orderId), ct);
        return this.RedirectAfterPost($"/me/orders/{orderId}", message);
    }

    private async Task<bool> LoadAsync(Guid orderId, CancellationToken ct)
    {
        if (provider is not LocalPaymentProvider) return false;
        var userId = EntityAccess.UserId(User);
        var found = await db.Set<Order>().AsNoTracking().Include(o => o.Lines)
            .Where(o => o.Id == orderId && o.UserId == userId && o.Provider == "local")
            .Select(o => new { Order = o, Title = db.Set<Event>().Where(e => e.Id == o.EventId).Select(e => e.Title).First() })
            .SingleOrDefaultAsync(ct);
        if (found is null) return false;
        (Order, EventTitle) = (found.Order, found.Title);
        return true;
    }
}

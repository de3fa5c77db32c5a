using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// The cart: quantities, removal, and each store's lines with their total and a checkout button. A line that became
/// unavailable or changed price says so and blocks that store's checkout until the fan deals with it. A cart with
/// products of several entities is checked out one store at a time (one order each), since each store ships, refunds
/// and is paid on its own.
/// </summary>
public sealed class CartModel(CartService cart) : PageModel
{
    public CartView Cart { get; private set; } = new([]);
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Message = Flash.Take(TempData);
        Cart = await cart.ViewAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostQuantityAsync(Guid variantId, int? quantity, CancellationToken ct)
    {
        var error = quantity is { } q ? await cart.SetQuantityAsync(variantId, q, ct) : "Enter a whole number (0 removes the item).";
        return await DoneAsync(error, "Cart updated.", ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid variantId, CancellationToken ct) =>
        await DoneAsync(await cart.RemoveAsync(variantId, ct), "Removed from your cart.", ct);

    public async Task<IActionResult> OnPostAcceptPricesAsync(CancellationToken ct)
    {
        await cart.AcceptPricesAsync(ct);
        return await DoneAsync(null, "Prices updated. Checkout charges the prices shown.", ct);
    }

    private async Task<IActionResult> DoneAsync(string? error, string success, CancellationToken ct)
    {
        if (error is null && !Request.WantsFragment()) return this.RedirectAfterPost(Url.Page("/Store/Cart")!, success);
        (Error, Message) = (error, error is null ? success : null);
        Cart = await cart.ViewAsync(ct);
        if (error is null) Response.Htmx(h => h.WithTrigger("cartChanged"));
        return this.PageOrPartial("_Cart");
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// Checks out one store's part of the cart: asks for a shipping address when anything ships, holds the stock and
/// sends the fan to pay. The form carries only the address; lines and prices come from the cart and the database.
/// </summary>
[EnableRateLimiting(RateLimits.Checkout)]
public sealed class CheckoutModel(CartService cart, StoreCheckout checkout, PaymentCheckout payments) : PageModel
{
    public sealed class AddressInput
    {
        public string? Name { get; set; }
        public string? Line1 { get; set; }
        public string? Line2 { get; set; }
        public string? City { get; set; }
        public string? Postcode { get; set; }
        public string? Country { get; set; }
    }

    [BindProperty] public AddressInput Input { get; set; } = new();

    public CartGroupView? Group { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid entityId, CancellationToken ct)
    {
        Group = (await cart.ViewAsync(ct)).Groups.FirstOrDefault(g => g.EntityId == entityId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid entityId, CancellationToken ct)
    {
        Group = (await cart.ViewAsync(ct)).Groups.FirstOrDefault(g => g.EntityId == entityId);
        if (Group is null)
        {
            Error = "Your cart has nothing from that store.";
            return this.PageOrPartial("_CheckoutForm");
        }
        ShippingAddress? address = null;
        if (Group.RequiresShipping)
        {
            address = ValidateAddress();
            if (address is null) return this.PageOrPartial("_CheckoutForm");
        }
        var placed = await checkout.PlaceAsync(entityId, address, ct);
        if (placed.Order is null)
        {
            Error = placed.Error;
            Group = (await cart.ViewAsync(ct)).Groups.FirstOrDefault(g => g.EntityId == entityId);
            return this.PageOrPartial("_CheckoutForm");
        }
        var (start, error) = await payments.StartAsync(placed.Order, $"{Request.Scheme}://{Request.Host}", User.FindFirstValue(ClaimTypes.Email), ct);
        if (start is null)
        {
            Error = error;
            return this.PageOrPartial("_CheckoutForm");
        }
        if (Request.IsHtmx())
        {
            // htmx cannot follow a redirect to another origin (Stripe); ask it to navigate the whole page instead.
            Response.Htmx(h => h.Redirect(start.RedirectUrl));
            return new OkResult();
        }
        return Redirect(start.RedirectUrl);
    }

    private ShippingAddress? ValidateAddress()
    {
        static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        var (name, line1, line2, city, postcode) = (Clean(Input.Name), Clean(Input.Line1), Clean(Input.Line2), Clean(Input.City), Clean(Input.Postcode));
        var country = IsoCountries.Normalize(Input.Country);
        if (name is null || name.Length > 120) ModelState.AddModelError("Input.Name", "Enter the recipient's name (up to 120 characters).");
        if (line1 is null || line1.Length > 200) ModelState.AddModelError("Input.Line1", "Enter the street address (up to 200 characters).");
        if (line2 is { Length: > 200 }) ModelState.AddModelError("Input.Line2", "The second address line can be up to 200 characters.");
        if (city is null || city.Length > 100) ModelState.AddModelError("Input.City", "Enter the town or city (up to 100 characters).");
        if (postcode is null || postcode.Length > 20) ModelState.AddModelError("Input.Postcode", "Enter the postcode (up to 20 characters).");
        if (!IsoCountries.IsValid(country)) ModelState.AddModelError("Input.Country", "Enter the country as a two-letter code, such as GB, DE or US.");
        if (ModelState.ErrorCount > 0)
        {
            Error = "The shipping address is incomplete: nothing was ordered.";
            return null;
        }
        return new ShippingAddress(name!, line1!, line2, city!, postcode!, country!);
    }
}

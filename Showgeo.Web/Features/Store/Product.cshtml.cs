using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// A product's page and its add-to-cart form. Who may see and buy is <see cref="ProductAccess"/>'s answer on every
/// path: hidden products are 404, restricted ones answer 403 with the restriction only, and a refused add comes back
/// as the form carrying the reason, with nothing written. The form sends only the option and the quantity.
/// </summary>
public sealed class ProductModel(ProductAccess access, CartService cart, TimeProvider clock) : PageModel
{
    [BindProperty] public Guid? VariantId { get; set; }
    [BindProperty] public int Quantity { get; set; } = 1;

    public ProductAccessDecision Decision { get; private set; } = null!;
    public Product Product => Decision.Product;
    public string? Error { get; private set; }
    public string? Added { get; private set; }
    public int CartCount { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(string slug, string product, CancellationToken ct)
    {
        if (await LoadAsync(slug, product, ct) is { } refused) return refused;
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(string slug, string product, CancellationToken ct)
    {
        if (await LoadAsync(slug, product, ct) is { } refused) return refused;
        if (!ModelState.IsValid) Error = "Choose a whole-number quantity of at least 1.";
        else Error = await cart.AddAsync(Product.Id, VariantId, Quantity, ct);
        if (Error is null)
        {
            var name = VariantId is { } v && Product.Variants.FirstOrDefault(x => x.Id == v) is { Name.Length: > 0 } variant
                ? $"{Product.Name} ({variant.Name})" : Product.Name;
            Added = $"Added {Quantity} × {name} to your cart.";
            if (!Request.WantsFragment()) return this.RedirectAfterPost(Url.Page("/Store/Cart")!, Added);
            CartCount = await cart.CountAsync(ct);
            Quantity = 1;
            Response.Htmx(h => h.WithTrigger("cartChanged"));
        }
        return this.PageOrPartial("_AddToCart");
    }

    private async Task<IActionResult?> LoadAsync(string slug, string product, CancellationToken ct)
    {
        if (await access.BySlugAsync(slug, product, User, ct) is not { } decision || decision.Page == ProductPageAccess.Hidden)
            return NotFound();
        Decision = decision;
        if (decision.Page == ProductPageAccess.Restricted)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        return null;
    }
}

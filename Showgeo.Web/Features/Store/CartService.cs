using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Store;

/// <summary>One cart line as the fan sees it now, with what (if anything) stands in the way of buying it.</summary>
public sealed record CartLineView(Guid VariantId, Guid ProductId, string ProductSlug, string Name, string? VariantName,
    ProductKind Kind, int Quantity, long UnitPriceMinor, long SeenUnitPriceMinor, string Currency, string? Problem)
{
    public bool PriceChanged => UnitPriceMinor != SeenUnitPriceMinor;
    public long LineTotalMinor => UnitPriceMinor * Quantity;
    public string FullName => string.IsNullOrEmpty(VariantName) ? Name : $"{Name} ({VariantName})";
}

/// <summary>The lines of one store: each store is checked out as its own order.</summary>
public sealed record CartGroupView(Guid EntityId, string EntitySlug, string EntityName, string Currency, List<CartLineView> Lines)
{
    public long TotalMinor => Lines.Sum(l => l.LineTotalMinor);
    public bool RequiresShipping => Lines.Any(l => l.Kind == ProductKind.Physical);
    public bool CanCheckOut => Lines.All(l => l.Problem is null && !l.PriceChanged);
}

public sealed record CartView(List<CartGroupView> Groups)
{
    public int Count => Groups.Sum(g => g.Lines.Sum(l => l.Quantity));
    public bool AnyPriceChanged => Groups.Any(g => g.Lines.Any(l => l.PriceChanged));
}

/// <summary>
/// The fan's cart: an account's own once signed in, otherwise a guest cart found by a random id in a cookie. A guest
/// cart is folded into the account's cart on the first request after sign-in (the layout's badge asks on every page),
/// so nothing in the sign-in flow needs to know about carts. Nothing here trusts a price or an id from a form: every
/// add is checked against <see cref="ProductAccess"/> and the variant's product, and the price is read from the row.
/// </summary>
public sealed class CartService(ShowgeoDb db, ProductAccess access, IHttpContextAccessor http, TimeProvider clock)
{
    public const string CookieName = "showgeo.cart";
    public const int MaxLines = 50;

    private HttpContext Http => http.HttpContext ?? throw new InvalidOperationException("Carts belong to a request.");

    /// <summary>A guest cart made during this request: its cookie reaches the browser only with the response.</summary>
    private Guid? _createdGuestCart;

    /// <summary>The current cart's id, creating it when <paramref name="create"/>; merges a guest cart into the account's.</summary>
    public async Task<Guid?> CartIdAsync(bool create, CancellationToken ct)
    {
        var userId = EntityAccess.UserId(Http.User);
        Guid? guestId = Http.Request.Cookies.TryGetValue(CookieName, out var raw) && Guid.TryParse(raw, out var g) ? g : null;
        var now = clock.GetUtcNow();
        if (userId is null)
        {
            if (_createdGuestCart is { } created) return created;
            if (guestId is { } id && await db.Set<Cart>().AnyAsync(c => c.Id == id && c.UserId == null, ct)) return id;
            if (!create) return null;
            var cart = new Cart { Id = Guid.NewGuid(), CreatedAt = now, UpdatedAt = now };
            db.Add(cart);
            await db.SaveChangesAsync(ct);
            Http.Response.Cookies.Append(CookieName, cart.Id.ToString(), new CookieOptions
            {
                HttpOnly = true, IsEssential = true, SameSite = SameSiteMode.Lax, Secure = Http.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(30),
            });
            return _createdGuestCart = cart.Id;
        }

        var mine = await db.Set<Cart>().Where(c => c.UserId == userId).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        if (guestId is { } guest)
        {
            Http.Response.Cookies.Delete(CookieName);
            if (await db.Set<Cart>().AnyAsync(c => c.Id == guest && c.UserId == null, ct))
            {
                if (mine is null)
                {
                    // The guest cart becomes the account's; a concurrent first request may have made one already.
                    var claimed = await db.Database.ExecuteSqlAsync($"""
                        UPDATE carts SET user_id = {userId}, updated_at = {now}
                        WHERE id = {guest} AND user_id IS NULL AND NOT EXISTS (SELECT 1 FROM carts WHERE user_id = {userId})
                        """, ct);
                    if (claimed == 1) return guest;
                    mine = await db.Set<Cart>().Where(c => c.UserId == userId).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
                }
                await MergeAsync(guest, mine!.Value, ct);
            }
        }
        if (mine is not null || !create) return mine;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO carts (id, user_id, created_at, updated_at) VALUES ({Guid.CreateVersion7()}, {userId}, {now}, {now})
            ON CONFLICT (user_id) DO NOTHING
            """, ct);
        return await db.Set<Cart>().Where(c => c.UserId == userId).Select(c => c.Id).SingleAsync(ct);
    }

    /// <summary>Adds the guest's lines to the account's cart (quantities add up, the guest's seen price wins) and drops the guest cart.</summary>
    private async Task MergeAsync(Guid guest, Guid into, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO cart_lines (cart_id, variant_id, quantity, seen_unit_price_minor, added_at)
            SELECT {into}, variant_id, quantity, seen_unit_price_minor, added_at FROM cart_lines WHERE cart_id = {guest}
            ON CONFLICT (cart_id, variant_id) DO UPDATE
              SET quantity = cart_lines.quantity + excluded.quantity, seen_unit_price_minor = excluded.seen_unit_price_minor
            """, ct);
        await db.Database.ExecuteSqlAsync($"DELETE FROM carts WHERE id = {guest} AND user_id IS NULL", ct);
        await tx.CommitAsync(ct);
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        if (await CartIdAsync(create: false, ct) is not { } id) return 0;
        return await db.Set<CartLine>().Where(l => l.CartId == id).SumAsync(l => l.Quantity, ct);
    }

    /// <summary>
    /// Adds <paramref name="quantity"/> of a product (its <paramref name="variantId"/>, required when it has options).
    /// Returns the refusal, or null when added. Nothing is written on a refusal.
    /// </summary>
    public async Task<string?> AddAsync(Guid productId, Guid? variantId, int quantity, CancellationToken ct)
    {
        if (quantity <= 0) return "Choose a quantity of at least 1.";
        if (await access.ByIdAsync(productId, Http.User, ct) is not { } decision || decision.Page == ProductPageAccess.Hidden)
            return ProductAccess.NotFoundMessage;
        if (decision.BuyRefusal is { } refusal) return refusal;
        var product = decision.Product;
        var variant = variantId is { } vid ? product.Variants.SingleOrDefault(v => v.Id == vid)
            : product.Variants.Count == 1 ? product.Variants[0] : null;
        if (variant is null)
            return variantId is null ? "Choose an option first." : "That option is not sold for this product.";

        var cartId = (await CartIdAsync(create: true, ct))!.Value;
        var inCart = await db.Set<CartLine>().Where(l => l.CartId == cartId && l.VariantId == variant.Id).Select(l => l.Quantity).SingleOrDefaultAsync(ct);
        var total = inCart + quantity;
        if (total > product.MaxPerOrder)
            return $"You can buy at most {product.MaxPerOrder} of {product.Name} per order{(inCart > 0 ? $" (you have {inCart} in your cart)" : "")}.";
        if (variant.Available is { } left && total > left)
            return left == 0 ? "Sold out." : $"Only {left} left{(inCart > 0 ? $" (you have {inCart} in your cart)" : "")}.";
        if (inCart == 0 && await db.Set<CartLine>().CountAsync(l => l.CartId == cartId, ct) >= MaxLines)
            return $"A cart holds at most {MaxLines} different items.";

        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO cart_lines (cart_id, variant_id, quantity, seen_unit_price_minor, added_at)
            VALUES ({cartId}, {variant.Id}, {quantity}, {product.PriceMinor}, {now})
            ON CONFLICT (cart_id, variant_id) DO UPDATE
              SET quantity = cart_lines.quantity + excluded.quantity, seen_unit_price_minor = excluded.seen_unit_price_minor
            """, ct);
        return null;
    }

    /// <summary>Sets a line's quantity (0 removes it); refuses more than the product allows per order or than is left.</summary>
    public async Task<string?> SetQuantityAsync(Guid variantId, int quantity, CancellationToken ct)
    {
        if (await CartIdAsync(create: false, ct) is not { } cartId) return "Your cart is empty.";
        var line = await db.Set<CartLine>().SingleOrDefaultAsync(l => l.CartId == cartId && l.VariantId == variantId, ct);
        if (line is null) return "That item is not in your cart.";
        if (quantity < 0) return "Quantities cannot be negative.";
        if (quantity == 0)
        {
            db.Remove(line);
            await db.SaveChangesAsync(ct);
            return null;
        }
        var facts = await (from v in db.Set<ProductVariant>()
                           join p in db.Set<Product>() on v.ProductId equals p.Id
                           where v.Id == variantId
                           select new { p.Name, p.MaxPerOrder, v.Stock, v.Sold, v.Held }).SingleAsync(ct);
        if (quantity > facts.MaxPerOrder) return $"You can buy at most {facts.MaxPerOrder} of {facts.Name} per order.";
        if (facts.Stock is { } stock && quantity > Math.Max(0, stock - facts.Sold - facts.Held))
            return $"Only {Math.Max(0, stock - facts.Sold - facts.Held)} of {facts.Name} left.";
        line.Quantity = quantity;
        await db.SaveChangesAsync(ct);
        return null;
    }

    public Task<string?> RemoveAsync(Guid variantId, CancellationToken ct) => SetQuantityAsync(variantId, 0, ct);

    /// <summary>The fan has seen the current prices: they become the prices checkout will charge.</summary>
    public async Task AcceptPricesAsync(CancellationToken ct)
    {
        if (await CartIdAsync(create: false, ct) is not { } cartId) return;
        await db.Database.ExecuteSqlAsync($"""
            UPDATE cart_lines l SET seen_unit_price_minor = p.price_minor
            FROM product_variants v JOIN products p ON p.id = v.product_id
            WHERE l.cart_id = {cartId} AND v.id = l.variant_id
            """, ct);
    }

    public async Task<CartView> ViewAsync(CancellationToken ct)
    {
        if (await CartIdAsync(create: false, ct) is not { } cartId) return new([]);
        var rows = await (from l in db.Set<CartLine>().AsNoTracking()
                          join v in db.Set<ProductVariant>() on l.VariantId equals v.Id
                          join p in db.Set<Product>().Include(p => p.Variants) on v.ProductId equals p.Id
                          where l.CartId == cartId
                          orderby l.AddedAt
                          select new { Line = l, Variant = v, Product = p }).ToListAsync(ct);
        var groups = new List<CartGroupView>();
        foreach (var byProduct in rows.GroupBy(r => r.Product.EntityId))
        {
            var lines = new List<CartLineView>();
            string slug = "", name = "";
            foreach (var r in byProduct)
            {
                var decision = await access.DecideAsync(r.Product, Http.User, ct);
                (slug, name) = (decision.EntitySlug, decision.EntityName);
                var problem = decision.Page == ProductPageAccess.Hidden ? "No longer available."
                    : decision.BuyRefusal is { } refusal ? $"Not available: {refusal}"
                    : r.Line.Quantity > r.Product.MaxPerOrder ? $"At most {r.Product.MaxPerOrder} per order."
                    : r.Variant.Available is { } left && r.Line.Quantity > left ? (left == 0 ? "Sold out." : $"Only {left} left: lower the quantity.")
                    : null;
                lines.Add(new CartLineView(r.Variant.Id, r.Product.Id, r.Product.Slug, r.Product.Name,
                    r.Variant.Name.Length == 0 ? null : r.Variant.Name, r.Product.Kind, r.Line.Quantity, r.Product.PriceMinor,
                    r.Line.SeenUnitPriceMinor, r.Product.Currency, problem));
            }
            groups.Add(new CartGroupView(byProduct.Key, slug, name, lines[0].Currency, lines));
        }
        return new(groups);
    }

    public static string Price(long minor, string currency) => Money.Format(minor, currency);
}

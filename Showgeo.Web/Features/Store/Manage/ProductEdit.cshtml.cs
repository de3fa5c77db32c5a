using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Store.Manage;

/// <summary>
/// Creates or edits one product: details, price, visibility, drop time, what it is attached to, options with their
/// stock, images and (digital) the file it delivers. Every refusal re-renders the form with its reasons and writes
/// nothing; uploads are stored only once the rest of the form is valid.
/// </summary>
public sealed class ProductEditModel(ShowgeoDb db, ManagedEntityGate gate, AssetService assets, TimeProvider clock) : PageModel
{
    // REVIEW: the same short list of currencies the ticket types take.
    private static readonly HashSet<string> Currencies = ["EUR", "USD", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "JPY", "BRL", "MXN", "ZAR", "GHS", "NGN", "KES", "INR", "SGD", "HKD"];
    public const int MaxImages = 6;

    public sealed class ProductInput
    {
        public string? Name { get; set; }
        public string? Slug { get; set; }
        public string? Description { get; set; }
        public ProductKind Kind { get; set; } = ProductKind.Physical;
        public string? Price { get; set; }
        public string? Currency { get; set; } = "EUR";
        public ProductVisibility Visibility { get; set; } = ProductVisibility.Draft;
        public Guid? HoldersEventId { get; set; }
        public Guid? EventId { get; set; }
        public Guid? TourId { get; set; }
        /// <summary>UTC.</summary>
        public DateTime? DropAt { get; set; }
        public int MaxPerOrder { get; set; } = 10;
        /// <summary>Stock of a product without options (physical).</summary>
        public int? Stock { get; set; }
        /// <summary>One option per line: "Name = stock" (stock ignored for digital products).</summary>
        public string? Variants { get; set; }
    }

    [BindProperty] public ProductInput Input { get; set; } = new();
    [BindProperty] public List<IFormFile> Images { get; set; } = [];
    [BindProperty] public IFormFile? DigitalFile { get; set; }

    public ManagedEntity Entity { get; private set; } = null!;
    public Product? Existing { get; private set; }
    public List<(Guid Id, string Title)> Events { get; private set; } = [];
    public List<(Guid Id, string Name)> Tours { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, Guid? productId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, productId, ct) is { } denied) return denied;
        if (Existing is { } p)
        {
            Input = new ProductInput
            {
                Name = p.Name, Slug = p.Slug, Description = p.Description, Kind = p.Kind, Price = MoneyText(p.PriceMinor, p.Currency),
                Currency = p.Currency, Visibility = p.Visibility, HoldersEventId = p.HoldersEventId, EventId = p.EventId, TourId = p.TourId,
                DropAt = p.DropAt?.UtcDateTime, MaxPerOrder = p.MaxPerOrder,
                Stock = p.Variants.Count == 1 && p.Variants[0].Name.Length == 0 ? p.Variants[0].Stock : null,
                Variants = p.Variants.Count == 1 && p.Variants[0].Name.Length == 0 ? null
                    : string.Join("\n", p.Variants.OrderBy(v => v.Position).Select(v => v.Stock is { } s ? $"{v.Name} = {s}" : v.Name)),
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, Guid? productId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, productId, ct) is { } denied) return denied;
        var now = clock.GetUtcNow();
        var name = Input.Name?.Trim() ?? "";
        var description = Input.Description?.Trim() ?? "";
        var currency = Input.Currency?.Trim().ToUpperInvariant() ?? "";
        if (name.Length is 0 or > 120) ModelState.AddModelError("Input.Name", "Give the product a name (up to 120 characters).");
        if (description.Length > 4000) ModelState.AddModelError("Input.Description", "The description can be up to 4,000 characters.");
        if (!Enum.IsDefined(Input.Kind)) ModelState.AddModelError("Input.Kind", "Choose physical or digital.");
        if (!Enum.IsDefined(Input.Visibility)) ModelState.AddModelError("Input.Visibility", "Choose who may see the product.");
        if (Existing is not null && Existing.Kind != Input.Kind && await HasOrdersAsync(Existing.Id, ct))
            ModelState.AddModelError("Input.Kind", "This product has orders; it cannot change between physical and digital.");
        if (!Currencies.Contains(currency)) ModelState.AddModelError("Input.Currency", "Use a three-letter currency code such as EUR, GBP or USD.");
        else
        {
            var others = await db.Set<Product>().Where(p => p.EntityId == Entity.Id && p.Id != productId).Select(p => p.Currency).Distinct().ToListAsync(ct);
            if (others.Count > 0 && !others.Contains(currency))
                ModelState.AddModelError("Input.Currency", $"This store sells in {others[0]}; every product of one store uses one currency, so a cart's store total is one amount.");
        }
        var price = Currencies.Contains(currency) ? Money.ParseMinor(Input.Price, currency) : null;
        if (Currencies.Contains(currency) && price is null)
            ModelState.AddModelError("Input.Price", $"Enter a price such as {(Money.Decimals(currency) == 0 ? "2500" : "25.00")} (zero or more).");
        if (Input.MaxPerOrder is < 1 or > 50) ModelState.AddModelError("Input.MaxPerOrder", "Per-order limit must be between 1 and 50.");
        DateTimeOffset? dropAt = Input.DropAt is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null;
        var dropChanged = dropAt != Existing?.DropAt;
        if (dropAt is { } at && at <= now && dropChanged)
            ModelState.AddModelError("Input.DropAt", "The drop time must be in the future (leave it empty to sell at once).");
        if (Existing?.DroppedAt is not null && dropChanged && dropAt is not null)
            ModelState.AddModelError("Input.DropAt", "This product has already dropped; its drop time cannot move.");
        if (Input.EventId is { } ev && !Events.Any(e => e.Id == ev)) ModelState.AddModelError("Input.EventId", "Choose one of this entity's events.");
        if (Input.TourId is { } tour && !Tours.Any(t => t.Id == tour)) ModelState.AddModelError("Input.TourId", "Choose one of this entity's tours.");
        if (Input.Visibility == ProductVisibility.TicketHolders)
        {
            if (Input.HoldersEventId is not { } he) ModelState.AddModelError("Input.HoldersEventId", "Choose the event whose ticket holders may buy it.");
            else if (!Events.Any(e => e.Id == he)) ModelState.AddModelError("Input.HoldersEventId", "Choose one of this entity's events.");
        }
        var variants = ParseVariants();
        var wantedSlug = Slugs.From(string.IsNullOrWhiteSpace(Input.Slug) ? name : Input.Slug, 80);
        if (wantedSlug.Length == 0 && name.Length > 0) ModelState.AddModelError("Input.Slug", "Use letters or digits in the web address.");
        else if (await db.Set<Product>().AnyAsync(p => p.EntityId == Entity.Id && p.Slug == wantedSlug && p.Id != productId, ct))
            ModelState.AddModelError("Input.Slug", $"Another product of this store is at '{wantedSlug}'. Choose another web address.");
        if (Images.Count + (Existing?.ImageAssetIds.Length ?? 0) > MaxImages) ModelState.AddModelError("Images", $"A product can have at most {MaxImages} images.");
        if (Input.Kind == ProductKind.Digital && DigitalFile is null && Existing?.DigitalAssetId is null)
            ModelState.AddModelError("DigitalFile", "Upload the file a digital product delivers.");
        if (Input.Kind == ProductKind.Physical && DigitalFile is not null)
            ModelState.AddModelError("DigitalFile", "Only digital products deliver a file.");
        if (!ModelState.IsValid) return Page();

        var userId = EntityAccess.UserId(User)!.Value;
        var imageIds = new List<Guid>(Existing?.ImageAssetIds ?? []);
        var uploaded = new List<Guid>();
        foreach (var image in Images)
        {
            var result = await assets.UploadAsync(AssetUpload.From(image, userId, Entity.Id), AssetService.ImagesOnly, ct: ct);
            if (!result.Succeeded) return await UndoUploadsAsync(uploaded, "Images", $"{image.FileName}: {result.Error}", ct);
            uploaded.Add(result.Asset!.Id);
            imageIds.Add(result.Asset.Id);
        }
        Guid? digitalId = Input.Kind == ProductKind.Digital ? Existing?.DigitalAssetId : null;
        if (DigitalFile is not null)
        {
            // Private: only the entity's team may fetch it directly; buyers get it through signed order links.
            var result = await assets.UploadAsync(AssetUpload.From(DigitalFile, userId, Entity.Id, isPrivate: true), AssetService.AnyKind, ct: ct);
            if (!result.Succeeded) return await UndoUploadsAsync(uploaded, "DigitalFile", $"{DigitalFile.FileName}: {result.Error}", ct);
            uploaded.Add(result.Asset!.Id);
            digitalId = result.Asset.Id;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var product = Existing is null ? new Product { Id = Guid.CreateVersion7(), EntityId = Entity.Id, CreatedAt = now }
            : await db.Set<Product>().Include(p => p.Variants).SingleAsync(p => p.Id == Existing.Id, ct);
        product.Name = name;
        product.Slug = wantedSlug;
        product.Description = description;
        product.Kind = Input.Kind;
        product.PriceMinor = price!.Value;
        product.Currency = currency;
        product.Visibility = Input.Visibility;
        product.HoldersEventId = Input.Visibility == ProductVisibility.TicketHolders ? Input.HoldersEventId : null;
        product.EventId = Input.EventId;
        product.TourId = Input.TourId;
        product.DropAt = dropAt;
        product.MaxPerOrder = Input.MaxPerOrder;
        product.ImageAssetIds = imageIds.ToArray();
        product.DigitalAssetId = digitalId;
        product.UpdatedAt = now;
        if (Existing is null) db.Add(product);
        if (!await ApplyVariantsAsync(product, variants, ct))
        {
            await tx.RollbackAsync(ct);
            return await UndoUploadsAsync(uploaded, "Input.Variants", null, ct);
        }
        var dropped = ProductDrops.RecordIfDue(db, product, Entity.Slug, Entity.Name, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another save took this web address between the check above and this insert.
            await tx.RollbackAsync(ct);
            return await UndoUploadsAsync(uploaded, "Input.Slug", $"Another product of this store is at '{wantedSlug}'. Choose another web address.", ct);
        }
        await tx.CommitAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Store/Manage/Store", new { slug = Entity.Slug })!,
            $"Saved {name}.{(dropped ? " It is on sale now." : product.DropAt is { } when && product.Visibility != ProductVisibility.Draft ? $" It drops {when.UtcDateTime:d MMM HH:mm} UTC." : "")}");
    }

    /// <summary>The options as the form lists them, or a single unnamed one; null (with errors) when malformed.</summary>
    private List<(string Name, int? Stock)>? ParseVariants()
    {
        var digital = Input.Kind == ProductKind.Digital;
        var lines = (Input.Variants ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            if (digital) return [("", null)];
            if (Input.Stock is not { } stock || stock is < 0 or > 1_000_000)
            {
                ModelState.AddModelError("Input.Stock", "Enter the stock (0 to 1,000,000), or list options with their own stock.");
                return null;
            }
            return [("", stock)];
        }
        if (lines.Length > 30) { ModelState.AddModelError("Input.Variants", "A product can have at most 30 options."); return null; }
        var result = new List<(string, int?)>();
        foreach (var line in lines)
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            var vname = parts[0];
            int? stock = null;
            if (vname.Length is 0 or > 60) { ModelState.AddModelError("Input.Variants", $"'{line}': give each option a name of up to 60 characters."); return null; }
            if (!digital)
            {
                if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s > 1_000_000)
                {
                    ModelState.AddModelError("Input.Variants", $"'{line}': write each option as 'Name = stock', such as 'M = 20'.");
                    return null;
                }
                stock = s;
            }
            if (result.Any(r => string.Equals(r.Item1, vname, StringComparison.OrdinalIgnoreCase)))
            {
                ModelState.AddModelError("Input.Variants", $"The option '{vname}' is listed twice.");
                return null;
            }
            result.Add((vname, stock));
        }
        return result;
    }

    /// <summary>
    /// Matches options by name: new ones are added, kept ones get their new stock, dropped ones are deleted. Stock
    /// cannot go below what is sold and held (checked by the UPDATE itself, so a purchase racing the edit wins).
    /// </summary>
    private async Task<bool> ApplyVariantsAsync(Product product, List<(string Name, int? Stock)>? wanted, CancellationToken ct)
    {
        if (wanted is null) return false;
        var position = 0;
        foreach (var (vname, stock) in wanted)
        {
            var existing = product.Variants.FirstOrDefault(v => string.Equals(v.Name, vname, StringComparison.OrdinalIgnoreCase));
            if (existing is null)
            {
                var v = new ProductVariant { Id = Guid.CreateVersion7(), ProductId = product.Id, Name = vname, Stock = stock, Position = position++ };
                product.Variants.Add(v);
                if (Existing is not null) db.Add(v);
                continue;
            }
            existing.Position = position++;
            if (existing.Stock != stock)
            {
                var ok = await db.Database.ExecuteSqlAsync(
                    $"UPDATE product_variants SET stock = {stock} WHERE id = {existing.Id} AND ({stock} IS NULL OR sold + held <= {stock})", ct);
                if (ok == 0)
                {
                    ModelState.AddModelError("Input.Variants", $"{(vname.Length == 0 ? "Stock" : vname)}: {existing.Sold + existing.Held} are already sold or held, so the stock cannot be lower.");
                    return false;
                }
                db.Entry(existing).Property(x => x.Stock).OriginalValue = stock;
                existing.Stock = stock;
            }
        }
        foreach (var gone in product.Variants.Where(v => !wanted.Any(w => string.Equals(w.Name, v.Name, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            if (gone.Sold + gone.Held > 0 || await db.Set<StoreOrderLine>().AnyAsync(l => l.VariantId == gone.Id, ct))
            {
                ModelState.AddModelError("Input.Variants", $"{(gone.Name.Length == 0 ? "The product's own stock" : gone.Name)} has orders; keep it (set its stock to what is sold to stop selling it).");
                return false;
            }
            product.Variants.Remove(gone);
            db.Remove(gone);
        }
        return true;
    }

    private async Task<IActionResult> UndoUploadsAsync(List<Guid> uploaded, string field, string? error, CancellationToken ct)
    {
        foreach (var id in uploaded) await assets.DeleteAsync(id, ct);
        if (error is not null) ModelState.AddModelError(field, error);
        db.ChangeTracker.Clear();
        return Page();
    }

    private Task<bool> HasOrdersAsync(Guid productId, CancellationToken ct) => db.Set<StoreOrderLine>().AnyAsync(l => l.ProductId == productId, ct);

    private static string MoneyText(long minor, string currency) =>
        Money.Decimals(currency) == 0 ? minor.ToString(CultureInfo.InvariantCulture) : (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private async Task<IActionResult?> AuthorizeAsync(string slug, Guid? productId, CancellationToken ct)
    {
        var (entity, denied) = await gate.CheckAsync(slug, User, StorePermissions.Products, ct);
        if (denied is not null) return denied;
        Entity = entity!;
        if (productId is { } id)
        {
            Existing = await db.Set<Product>().AsNoTracking().Include(p => p.Variants).SingleOrDefaultAsync(p => p.Id == id && p.EntityId == Entity.Id, ct);
            if (Existing is null) return NotFound();
        }
        Events = (await db.Set<Event>().AsNoTracking().Where(e => e.EntityId == Entity.Id).OrderByDescending(e => e.StartsAt)
            .Select(e => new { e.Id, e.Title }).Take(200).ToListAsync(ct)).Select(e => (e.Id, e.Title)).ToList();
        Tours = (await db.Set<Tour>().AsNoTracking().Where(t => t.EntityId == Entity.Id).OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name }).Take(200).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
        return null;
    }
}

using System.Text;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// The demo stores: Luna Waves sells a hoodie in three sizes, a vinyl record, a digital tour booklet, a poster shown on
/// their Manchester show, and a tote that drops five minutes after startup; The Foundry sells a T-shirt.
/// </summary>
public static class StoreDemoData
{
    public const string DropSlug = "autumn-tour-tote";

    public static async Task SeedAsync(ShowgeoDb db, AssetService assets, Entity luna, Entity foundry, Event upcoming, AppUser manager,
        DateTimeOffset now, CancellationToken ct)
    {
        // A real, tiny PDF so the download opens in any viewer.
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
        using var content = new MemoryStream(pdf);
        var booklet = await assets.UploadAsync(new AssetUpload(content, pdf.Length, "luna-waves-tour-booklet.pdf", "application/pdf",
            manager.Id, luna.Id, IsPrivate: true), AssetService.AnyKind, ct: ct);
        if (!booklet.Succeeded) throw new InvalidOperationException($"Demo booklet: {booklet.Error}");

        db.AddRange(
            Product(luna, "tour-hoodie", "Autumn Tour Hoodie", "Heavy cotton, tour dates on the back.", ProductKind.Physical, 4500,
                [("S", 15), ("M", 25), ("L", 20)]),
            Product(luna, "tides-vinyl", "Tides (12\" vinyl)", "The new record on 180 g vinyl.", ProductKind.Physical, 2800, [("", 50)]),
            Product(luna, "tour-booklet", "Tour booklet (PDF)", "Photos and lyrics from the road.", ProductKind.Digital, 500, [("", null)],
                digital: booklet.Asset!.Id),
            Product(luna, "manchester-poster", "Manchester show poster", "Screen-printed, numbered.", ProductKind.Physical, 1500, [("", 40)],
                eventId: upcoming.Id),
            Product(luna, DropSlug, "Limited tour tote", "Only 100, dropping shortly after the doors open.", ProductKind.Physical, 2000,
                [("", 100)], dropAt: now.AddMinutes(5)),
            Product(foundry, "foundry-tee", "The Foundry T-shirt", "Ironworks logo, black.", ProductKind.Physical, 2000,
                [("M", 30), ("L", 30)], currency: "GBP"));
        await db.SaveChangesAsync(ct);

        Product Product(Entity entity, string slug, string name, string description, ProductKind kind, long price,
            (string Name, int? Stock)[] variants, Guid? digital = null, Guid? eventId = null, DateTimeOffset? dropAt = null, string currency = "EUR")
        {
            var p = new Product
            {
                Id = Guid.CreateVersion7(), EntityId = entity.Id, Slug = slug, Name = name, Description = description, Kind = kind,
                PriceMinor = price, Currency = currency, Visibility = ProductVisibility.Public, DropAt = dropAt,
                DroppedAt = dropAt is null ? now : null, DigitalAssetId = digital, EventId = eventId, MaxPerOrder = 5,
                CreatedAt = now, UpdatedAt = now,
            };
            var position = 0;
            foreach (var (vname, stock) in variants)
                p.Variants.Add(new ProductVariant { Id = Guid.CreateVersion7(), Name = vname, Stock = stock, Position = position++ });
            return p;
        }
    }
}

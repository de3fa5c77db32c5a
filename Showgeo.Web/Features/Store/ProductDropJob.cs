using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// Records the drop and raises <see cref="ProductDropped"/> for each product whose drop time has come, once, every
/// Store:DropCheckSeconds (being on sale is <see cref="Product.DroppedBy"/>, read at the instant; see <see cref="ScheduledRelease"/>).
/// </summary>
public sealed class ProductDropJob(ShowgeoDb db, TimeProvider clock, ILogger<ProductDropJob> log) : IRecurringJob
{
    public const string Name = "store.product-drops";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var count = await ScheduledRelease.RunAsync<Product>(db, $"""
            SELECT * FROM products
            WHERE dropped_at IS NULL AND visibility <> 'Draft' AND drop_at <= {now}
            ORDER BY drop_at LIMIT 200
            FOR UPDATE SKIP LOCKED
            """, p => p.EntityId, (p, slug, name) => ProductDrops.Record(db, p, slug, name, now), ct);
        if (count > 0) log.LogInformation("Recorded {Count} product drops", count);
        return count;
    }
}

public static class ProductDrops
{
    /// <summary>
    /// Marks a product on sale and raises <see cref="ProductDropped"/> when it is public (not a draft), has no drop
    /// time still ahead, and was not dropped before. Call before the SaveChanges that publishes it.
    /// </summary>
    public static bool RecordIfDue(ShowgeoDb db, Product p, string entitySlug, string entityName, DateTimeOffset now)
    {
        if (p.DroppedAt is not null || p.Visibility == ProductVisibility.Draft || !p.DroppedBy(now)) return false;
        Record(db, p, entitySlug, entityName, now);
        return true;
    }

    internal static void Record(ShowgeoDb db, Product p, string entitySlug, string entityName, DateTimeOffset now)
    {
        p.DroppedAt = now;
        db.AddDomainEvent(new ProductDropped(p.Id, p.EntityId, entitySlug, entityName, p.Slug, p.Name, p.EventId,
            p.Visibility.ToString(), p.HoldersEventId, p.PriceMinor, p.Currency, p.DropAt ?? now, $"/e/{entitySlug}/store/{p.Slug}"), now);
    }
}

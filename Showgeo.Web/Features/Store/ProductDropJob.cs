using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Store;

/// <summary>
/// Whether a product is on sale is computed from its drop time when it is read (<see cref="Product.DroppedBy"/>), so it
/// opens at the exact instant on every instance; this job only records the drop and raises <see cref="ProductDropped"/>
/// for each product whose time has come, once, every Store:DropCheckSeconds.
/// </summary>
public sealed class ProductDropJob(ShowgeoDb db, TimeProvider clock, ILogger<ProductDropJob> log) : IRecurringJob
{
    public const string Name = "store.product-drops";

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Set<Product>().FromSql($"""
            SELECT * FROM products
            WHERE dropped_at IS NULL AND visibility <> 'Draft' AND drop_at <= {now}
            ORDER BY drop_at LIMIT 200
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var entityIds = due.Select(p => p.EntityId).Distinct().ToArray();
        var entities = await db.Set<Entity>().AsNoTracking().Where(e => entityIds.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => (e.Slug, e.Name), ct);
        foreach (var p in due) ProductDrops.Record(db, p, entities[p.EntityId].Slug, entities[p.EntityId].Name, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Recorded {Count} product drops", due.Count);
        return due.Count;
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

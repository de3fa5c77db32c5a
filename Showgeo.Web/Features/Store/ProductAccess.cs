using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tickets;

namespace Showgeo.Web.Features.Store;

/// <summary>How much of a product a viewer gets.</summary>
public enum ProductPageAccess
{
    /// <summary>Answer 404: a draft outside the team, a suspended entity's product outside its team and the admins, or a product of an event the viewer may not know of.</summary>
    Hidden,
    /// <summary>Followers-only or ticket-holders-only and the viewer is neither: the name and what would unlock it.</summary>
    Restricted,
    Full,
}

/// <summary>What one viewer may do with one product; made by <see cref="ProductAccess"/>.</summary>
public sealed record ProductAccessDecision(Product Product, string EntitySlug, string EntityName, Guid? UserId, bool IsTeam,
    ProductPageAccess Page, string? Restriction, string? BuyRefusal, DateTimeOffset Now)
{
    public bool CanSeePage => Page == ProductPageAccess.Full;
    public bool CanBuy => BuyRefusal is null;
    public bool BeforeDrop => !Product.DroppedBy(Now);
}

/// <summary>
/// The one access rule for a product, asked by the store pages, the product page, add-to-cart, the cart and checkout.
/// It builds on the rules that already exist rather than repeating them: the entity's suspension and team
/// (<see cref="EntityAccess"/>), the attached event's own rule (<see cref="EventAccess"/>: a product of an event the
/// viewer may not see is hidden too), follows, and tickets held.
/// </summary>
public sealed class ProductAccess(ShowgeoDb db, EntityAccess entities, EventAccess events, TimeProvider clock)
{
    public const string SuspendedMessage = "This store is unavailable while its owner is suspended.";
    public const string DraftMessage = "This product is a draft and not on sale yet.";
    public const string NotFoundMessage = "That product is not available.";

    public async Task<ProductAccessDecision?> ByIdAsync(Guid productId, ClaimsPrincipal viewer, CancellationToken ct)
    {
        var p = await db.Set<Product>().AsNoTracking().Include(x => x.Variants).SingleOrDefaultAsync(x => x.Id == productId, ct);
        return p is null ? null : await DecideAsync(p, viewer, ct);
    }

    public async Task<ProductAccessDecision?> BySlugAsync(string entitySlug, string productSlug, ClaimsPrincipal viewer, CancellationToken ct)
    {
        var p = await (from x in db.Set<Product>().AsNoTracking().Include(x => x.Variants)
                       join e in db.Set<Entity>() on x.EntityId equals e.Id
                       where e.Slug == entitySlug && x.Slug == productSlug
                       select x).SingleOrDefaultAsync(ct);
        return p is null ? null : await DecideAsync(p, viewer, ct);
    }

    public async Task<ProductAccessDecision> DecideAsync(Product product, ClaimsPrincipal viewer, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var entity = await db.Set<Entity>().AsNoTracking().Where(e => e.Id == product.EntityId)
            .Select(e => new { e.Slug, e.Name, e.SuspendedAt }).SingleAsync(ct);
        var userId = EntityAccess.UserId(viewer);
        var isTeam = await entities.RoleAsync(product.EntityId, viewer, ct) is not null;
        var suspended = entity.SuspendedAt is not null;

        ProductAccessDecision Make(ProductPageAccess page, string? restriction, string? refusal) =>
            new(product, entity.Slug, entity.Name, userId, isTeam, page, restriction, refusal, now);

        if (product.Visibility == ProductVisibility.Draft && !isTeam) return Make(ProductPageAccess.Hidden, null, NotFoundMessage);
        if (suspended && !isTeam && !viewer.IsInRole(Roles.Admin)) return Make(ProductPageAccess.Hidden, null, NotFoundMessage);
        if (product.EventId is { } eventId && !isTeam
            && await events.ByIdAsync(eventId, viewer, ct) is { Page: EventPageAccess.Hidden })
            return Make(ProductPageAccess.Hidden, null, NotFoundMessage);

        string? restriction = null;
        if (!isTeam && product.Visibility == ProductVisibility.Followers
            && !(userId is { } uid && await db.Set<Follow.Follow>().AnyAsync(f => f.UserId == uid && f.EntityId == product.EntityId, ct)))
            restriction = $"This product is for followers of {entity.Name} only.";
        if (!isTeam && product.Visibility == ProductVisibility.TicketHolders)
        {
            var holds = userId is { } holder && product.HoldersEventId is { } holdersEvent
                && await db.Set<Ticket>().AnyAsync(t => t.UserId == holder && t.EventId == holdersEvent && t.Status != TicketStatus.Refunded, ct);
            if (!holds)
            {
                var title = product.HoldersEventId is { } he
                    ? await db.Set<Event>().Where(e => e.Id == he).Select(e => e.Title).SingleOrDefaultAsync(ct) : null;
                restriction = $"This product is for ticket holders of {title ?? "an event"} only.";
            }
        }
        if (restriction is not null) return Make(ProductPageAccess.Restricted, restriction, restriction);

        var refusal =
            suspended ? SuspendedMessage
            : product.Visibility == ProductVisibility.Draft ? DraftMessage
            : !product.DroppedBy(now) ? $"{product.Name} drops at {product.DropAt!.Value.UtcDateTime:d MMM yyyy HH:mm} UTC; it cannot be bought before then."
            : null;
        return Make(ProductPageAccess.Full, null, refusal);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Memberships;

/// <summary>
/// An entity's membership tiers and numbers. Tiers are money (prices), so every handler takes
/// <see cref="EntityPermission.ManageMoney"/>: outsiders get 404, coordinators 403. A price change applies to new
/// members only; archiving closes a tier to new members and leaves its members as they are.
/// </summary>
public sealed class ManageModel(ShowgeoDb db, ManagedEntityGate gate, TimeProvider clock) : PageModel
{
    [BindProperty] public TierInput Input { get; set; } = new();

    public ManagedEntity Entity { get; private set; } = null!;
    public List<MembershipTier> Tiers { get; private set; } = [];
    public MembershipNumbers Numbers { get; private set; } = null!;
    /// <summary>The tier whose edit form failed validation (its form shows <see cref="Input"/>), or null for the new-tier form.</summary>
    public Guid? EditingTierId { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct) =>
        await LoadAsync(slug, ct) ?? Page();

    public async Task<IActionResult> OnPostCreateAsync(string slug, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        if (Input.Validate(ModelState) is not { } valid) return Page();
        if (Tiers.Count(t => t.ArchivedAt is null) >= 20)
        {
            ModelState.AddModelError("Input.Name", "An entity can offer at most 20 open tiers; archive one first.");
            return Page();
        }
        var now = clock.GetUtcNow();
        db.Add(new MembershipTier
        {
            Id = Guid.CreateVersion7(), EntityId = Entity.Id, Name = valid.Name, Rank = valid.Rank, PriceMinor = valid.PriceMinor,
            Currency = valid.Currency, Perks = valid.Perks, MemberLimit = valid.MemberLimit, CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Memberships/Manage", new { slug = Entity.Slug })!, $"Added the tier {valid.Name}.");
    }

    public async Task<IActionResult> OnPostUpdateAsync(string slug, Guid tierId, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        if (Tiers.FirstOrDefault(t => t.Id == tierId) is null) return NotFound();
        EditingTierId = tierId;
        if (Input.Validate(ModelState) is not { } valid) return Page();
        var now = clock.GetUtcNow();
        // Members keep the price they joined at (memberships.price_minor); only new joins see the new one.
        await db.Set<MembershipTier>().Where(t => t.Id == tierId && t.EntityId == Entity.Id).ExecuteUpdateAsync(x => x
            .SetProperty(t => t.Name, valid.Name).SetProperty(t => t.Rank, valid.Rank).SetProperty(t => t.PriceMinor, valid.PriceMinor)
            .SetProperty(t => t.Currency, valid.Currency).SetProperty(t => t.Perks, valid.Perks)
            .SetProperty(t => t.MemberLimit, valid.MemberLimit).SetProperty(t => t.UpdatedAt, now), ct);
        return this.RedirectAfterPost(Url.Page("/Memberships/Manage", new { slug = Entity.Slug })!, $"Saved {valid.Name}. Existing members keep their price.");
    }

    public async Task<IActionResult> OnPostArchiveAsync(string slug, Guid tierId, CancellationToken ct) =>
        await SetArchivedAsync(slug, tierId, archive: true, ct);

    public async Task<IActionResult> OnPostReopenAsync(string slug, Guid tierId, CancellationToken ct) =>
        await SetArchivedAsync(slug, tierId, archive: false, ct);

    private async Task<IActionResult> SetArchivedAsync(string slug, Guid tierId, bool archive, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        if (Tiers.FirstOrDefault(t => t.Id == tierId) is not { } tier) return NotFound();
        var now = clock.GetUtcNow();
        await db.Set<MembershipTier>().Where(t => t.Id == tierId && t.EntityId == Entity.Id).ExecuteUpdateAsync(x => x
            .SetProperty(t => t.ArchivedAt, archive ? now : null).SetProperty(t => t.UpdatedAt, now), ct);
        return this.RedirectAfterPost(Url.Page("/Memberships/Manage", new { slug = Entity.Slug })!,
            archive ? $"{tier.Name} is archived: no new members; its members keep their membership." : $"{tier.Name} is open to new members again.");
    }

    private async Task<IActionResult?> LoadAsync(string slug, CancellationToken ct)
    {
        var gated = await gate.CheckAsync(slug, User, EntityPermission.ManageMoney, ct);
        if (gated.Denied is { } denied) return denied;
        Entity = gated.Entity!;
        Tiers = await db.Set<MembershipTier>().AsNoTracking().Where(t => t.EntityId == Entity.Id)
            .OrderBy(t => t.ArchivedAt != null).ThenBy(t => t.Rank).ThenBy(t => t.CreatedAt).ToListAsync(ct);
        Numbers = await MembershipNumbers.ForEntityAsync(db, Entity.Id, clock.GetUtcNow(), ct);
        return null;
    }
}

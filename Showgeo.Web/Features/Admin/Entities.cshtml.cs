using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Admin;

/// <summary>Entity moderation (the Admin policy is applied to this folder in EntitiesSetup).</summary>
public sealed class EntitiesModel(ShowgeoDb db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    public sealed record EntityRow(Guid Id, string Slug, string Name, EntityKind Kind, bool IsVerified,
        DateTimeOffset? SuspendedAt, string? SuspensionReason, string? OwnerName, DateTimeOffset CreatedAt);

    // Kept short: the search goes back into the redirect after every action, and a huge one overflows the headers.
    [BindProperty(SupportsGet = true)] public string? Q { get; set => field = value is { Length: > 100 } ? value[..100] : value; }

    [BindProperty, Display(Name = "Reason"), StringLength(500, ErrorMessage = "Keep the reason under 500 characters.")]
    public string? Reason { get; set; }

    public IReadOnlyList<EntityRow> Rows { get; private set; } = [];
    public IReadOnlyList<AdminActions.Recent> RecentActions { get; private set; } = [];
    /// <summary>The row a POST acted on; its message and errors show on that row only.</summary>
    [ViewData] public Guid? FocusId { get; private set; }
    [ViewData] public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.Set<Entity>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var pattern = SqlLike.Containing(Q);
            query = query.Where(e => EF.Functions.ILike(e.Name, pattern) || EF.Functions.ILike(e.Slug, pattern));
        }
        Rows = await Rowify(query.OrderBy(e => e.Name).Take(PageSize)).ToListAsync(ct);
        RecentActions = await AdminActions.RecentAsync(db, AdminActions.Entity, ct);
    }

    public Task<IActionResult> OnPostVerifyAsync(Guid id, CancellationToken ct) =>
        ChangeAsync(id, q => q.ExecuteUpdateAsync(s => s.SetProperty(e => e.IsVerified, true), ct), "verified", ct);

    public Task<IActionResult> OnPostUnverifyAsync(Guid id, CancellationToken ct) =>
        ChangeAsync(id, q => q.ExecuteUpdateAsync(s => s.SetProperty(e => e.IsVerified, false), ct), "no longer verified", ct);

    public async Task<IActionResult> OnPostSuspendAsync(Guid id, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Reason))
            ModelState.AddModelError(nameof(Reason), "Give a reason: the entity's managers will see it.");
        if (!ModelState.IsValid)
        {
            var row = await Rowify(db.Set<Entity>().AsNoTracking().Where(e => e.Id == id)).SingleOrDefaultAsync(ct);
            if (row is null) return NotFound();
            FocusId = id;
            if (!Request.WantsFragment()) await OnGetAsync(ct);
            return this.PageOrPartial("_EntityRow", row);
        }
        var reason = Reason!.Trim();
        var now = clock.GetUtcNow();
        return await ChangeAsync(id, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(e => e.SuspendedAt, now)
            .SetProperty(e => e.SuspensionReason, reason), ct), "suspended", ct, reason);
    }

    public Task<IActionResult> OnPostUnsuspendAsync(Guid id, CancellationToken ct) =>
        ChangeAsync(id, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(e => e.SuspendedAt, (DateTimeOffset?)null)
            .SetProperty(e => e.SuspensionReason, (string?)null), ct), "reinstated", ct);

    private async Task<IActionResult> ChangeAsync(Guid id, Func<IQueryable<Entity>, Task<int>> change, string what, CancellationToken ct,
        string? reason = null)
    {
        // The change and its record commit together: no moderation step goes unrecorded.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await change(db.Set<Entity>().Where(e => e.Id == id)) == 0) return NotFound();
        var row = await Rowify(db.Set<Entity>().AsNoTracking().Where(e => e.Id == id)).SingleAsync(ct);
        AdminActions.Record(db, User, clock.GetUtcNow(), what, AdminActions.Entity, id, $"{row.Name} (/e/{row.Slug})", reason);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        FocusId = id;
        Message = $"{row.Name} is {what}.";
        Reason = null;
        return this.FragmentOrRedirect("_EntityRow", Url.Page("/Admin/Entities", new { q = Q })!, Message, row);
    }

    private static IQueryable<EntityRow> Rowify(IQueryable<Entity> entities) =>
        entities.Select(e => new EntityRow(e.Id, e.Slug, e.Name, e.Kind, e.IsVerified, e.SuspendedAt, e.SuspensionReason,
            e.Members.Where(m => m.Role == EntityRole.Owner).Select(m => m.User!.DisplayName).FirstOrDefault(), e.CreatedAt));
}

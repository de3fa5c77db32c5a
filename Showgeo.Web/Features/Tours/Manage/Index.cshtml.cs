using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tours.Manage;

/// <summary>An entity's tours and the form that starts a new one (ManageProfile: owners and managers).</summary>
public sealed class IndexModel(ShowgeoDb db, ManagedEntityGate gate, TimeProvider clock) : PageModel
{
    public sealed record TourRow(string Slug, string Name, int StopCount, DateTimeOffset? FirstStop, DateTimeOffset? LastStop);

    public ManagedEntity Entity { get; private set; } = null!;
    public IReadOnlyList<TourRow> Tours { get; private set; } = [];

    [BindProperty] public TourInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await EnterAsync(slug, ct) is { } denied) return denied;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string slug, CancellationToken ct)
    {
        if (await EnterAsync(slug, ct) is { } denied) return denied;
        var wanted = Input.WantedSlug(ModelState, nameof(Input));
        if (wanted is null && ModelState.IsValid)
        {
            var from = Slugs.From(Input.Name!, TourInput.SlugMaxLength);
            if (from.Length == 0) ModelState.AddModelError("Input.Slug", "We could not make an address from that name; choose one.");
            else wanted = await Slugs.FirstFreeAsync(db.Set<Tour>().Select(t => t.Slug), from, TourInput.SlugMaxLength, ct);
        }
        if (!ModelState.IsValid) return await FormAsync(ct);
        if (await db.Set<Tour>().AnyAsync(t => t.Slug == wanted, ct)) return await SlugTakenAsync(wanted!, ct);

        var tour = new Tour
        {
            Id = Guid.CreateVersion7(), EntityId = Entity.Id, Slug = wanted!, Name = Input.Name!.Trim(),
            Description = Input.Description?.Trim() ?? "", CreatedAt = clock.GetUtcNow(),
        };
        db.Add(tour);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return await SlugTakenAsync(wanted!, ct);
        }
        return this.RedirectAfterPost(Url.Page("/Tours/Manage/Edit", new { slug, tourSlug = tour.Slug })!,
            $"Tour \"{tour.Name}\" created. Now add its stops.");
    }

    private async Task<IActionResult> SlugTakenAsync(string wanted, CancellationToken ct)
    {
        ModelState.AddModelError("Input.Slug", $"The address \"{wanted}\" is already taken by another tour. Choose another.");
        return await FormAsync(ct);
    }

    private async Task<IActionResult> FormAsync(CancellationToken ct)
    {
        if (!Request.WantsFragment()) await LoadAsync(ct);
        return this.PageOrPartial("_CreateTourForm");
    }

    private async Task<IActionResult?> EnterAsync(string slug, CancellationToken ct)
    {
        var result = await gate.CheckAsync(slug, User, EntityPermission.ManageProfile, ct);
        if (result.Denied is not null) return result.Denied;
        Entity = result.Entity!;
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var events = db.Set<Event>();
        Tours = await db.Set<Tour>().AsNoTracking()
            .Where(t => t.EntityId == Entity.Id)
            .OrderBy(t => t.Name)
            .Select(t => new TourRow(t.Slug, t.Name,
                events.Count(e => e.TourId == t.Id),
                events.Where(e => e.TourId == t.Id).Min(e => (DateTimeOffset?)e.StartsAt),
                events.Where(e => e.TourId == t.Id).Max(e => (DateTimeOffset?)e.StartsAt)))
            .ToListAsync(ct);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tours.Manage;

/// <summary>One tour: its details, and which of the entity's own events are its stops.</summary>
public sealed class EditModel(ShowgeoDb db, ManagedEntityGate gate) : PageModel
{
    public sealed record EventRow(Guid Id, string Title, DateTimeOffset StartsAt, string TimeZone, string? City, EventPhase Phase, Guid? TourId, string? TourName)
    {
        public string LocalStart => EventTime.Format(StartsAt, TimeZone);
    }

    public ManagedEntity Entity { get; private set; } = null!;
    public Tour Tour { get; private set; } = null!;
    public IReadOnlyList<EventRow> Stops { get; private set; } = [];
    public IReadOnlyList<EventRow> OtherEvents { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Saved { get; private set; }

    [BindProperty] public TourInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string slug, string tourSlug, CancellationToken ct)
    {
        if (await EnterAsync(slug, tourSlug, ct) is { } denied) return denied;
        Input = new TourInput { Name = Tour.Name, Slug = Tour.Slug, Description = Tour.Description };
        await LoadStopsAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string slug, string tourSlug, CancellationToken ct)
    {
        if (await EnterAsync(slug, tourSlug, ct) is { } denied) return denied;
        var wanted = Input.WantedSlug(ModelState, nameof(Input)) ?? Tour.Slug;
        if (ModelState.IsValid && wanted != Tour.Slug && await db.Set<Tour>().AnyAsync(t => t.Slug == wanted, ct))
            ModelState.AddModelError("Input.Slug", $"The address \"{wanted}\" is already taken by another tour. Choose another.");
        if (!ModelState.IsValid) return await FormAsync(ct);

        var tour = await db.Set<Tour>().SingleAsync(t => t.Id == Tour.Id, ct);
        tour.Name = Input.Name!.Trim();
        tour.Slug = wanted;
        tour.Description = Input.Description?.Trim() ?? "";
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            ModelState.AddModelError("Input.Slug", $"The address \"{wanted}\" is already taken by another tour. Choose another.");
            return await FormAsync(ct);
        }
        var url = Url.Page("/Tours/Manage/Edit", new { slug, tourSlug = tour.Slug })!;
        if (tour.Slug != tourSlug)
        {
            // The page's own address changed; a fragment would leave the browser on a dead URL.
            return this.RedirectAfterPost(url, "Tour saved.");
        }
        Tour = tour;
        Saved = true;
        return this.FragmentOrRedirect("_EditTourForm", url, "Tour saved.");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string slug, string tourSlug, CancellationToken ct)
    {
        if (await EnterAsync(slug, tourSlug, ct) is { } denied) return denied;
        // events.tour_id is ON DELETE SET NULL: the stops stay as ordinary events.
        await db.Set<Tour>().Where(t => t.Id == Tour.Id && t.EntityId == Entity.Id).ExecuteDeleteAsync(ct);
        return this.RedirectAfterPost(Url.Page("/Tours/Manage/Index", new { slug })!, $"Tour \"{Tour.Name}\" deleted. Its events were kept.");
    }

    public async Task<IActionResult> OnPostAssignAsync(string slug, string tourSlug, Guid eventId, CancellationToken ct)
    {
        if (await EnterAsync(slug, tourSlug, ct) is { } denied) return denied;
        // entity_id in the WHERE refuses another entity's event id, whatever the form was made to send.
        var changed = await db.Set<Event>().Where(e => e.Id == eventId && e.EntityId == Entity.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.TourId, Tour.Id), ct);
        return await StopsChangedAsync(slug, tourSlug, changed == 1 ? "Stop added." : null,
            changed == 1 ? null : $"That event is not one of {Entity.Name}'s events.", ct);
    }

    public async Task<IActionResult> OnPostUnassignAsync(string slug, string tourSlug, Guid eventId, CancellationToken ct)
    {
        if (await EnterAsync(slug, tourSlug, ct) is { } denied) return denied;
        var changed = await db.Set<Event>().Where(e => e.Id == eventId && e.EntityId == Entity.Id && e.TourId == Tour.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.TourId, (Guid?)null), ct);
        return await StopsChangedAsync(slug, tourSlug, changed == 1 ? "Stop removed." : null,
            changed == 1 ? null : "That event is not a stop of this tour.", ct);
    }

    private async Task<IActionResult> StopsChangedAsync(string slug, string tourSlug, string? message, string? error, CancellationToken ct)
    {
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, error);
            await LoadStopsAsync(ct);
            if (!Request.WantsFragment()) Input = new TourInput { Name = Tour.Name, Slug = Tour.Slug, Description = Tour.Description };
            return this.PageOrPartial("_TourStops");
        }
        Message = message;
        if (Request.WantsFragment()) await LoadStopsAsync(ct);
        return this.FragmentOrRedirect("_TourStops", Url.Page("/Tours/Manage/Edit", new { slug, tourSlug })!, message);
    }

    private async Task<IActionResult> FormAsync(CancellationToken ct)
    {
        if (!Request.WantsFragment()) await LoadStopsAsync(ct);
        return this.PageOrPartial("_EditTourForm");
    }

    private async Task<IActionResult?> EnterAsync(string slug, string tourSlug, CancellationToken ct)
    {
        var result = await gate.CheckAsync(slug, User, EntityPermission.ManageProfile, ct);
        if (result.Denied is not null) return result.Denied;
        Entity = result.Entity!;
        var tour = await db.Set<Tour>().AsNoTracking().SingleOrDefaultAsync(t => t.Slug == tourSlug && t.EntityId == Entity.Id, ct);
        if (tour is null) return NotFound();
        Tour = tour;
        return null;
    }

    private async Task LoadStopsAsync(CancellationToken ct)
    {
        var tours = db.Set<Tour>();
        var rows = await db.Set<Event>().AsNoTracking()
            .Where(e => e.EntityId == Entity.Id)
            .OrderBy(e => e.StartsAt)
            .Select(e => new EventRow(e.Id, e.Title, e.StartsAt, e.TimeZone, e.City, e.Phase, e.TourId,
                tours.Where(t => t.Id == e.TourId).Select(t => t.Name).FirstOrDefault()))
            .ToListAsync(ct);
        Stops = rows.Where(r => r.TourId == Tour.Id).ToList();
        OtherEvents = rows.Where(r => r.TourId != Tour.Id).ToList();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Events.Manage;

public sealed class EditEventModel(ShowgeoDb db, ManagedEventGate gate, EventEditor editor, EventLifecycle lifecycle) : EventFormPageModel
{
    public Event Event { get; private set; } = null!;
    public List<HistoryRow> History { get; private set; } = [];
    public string? PhaseError { get; private set; }

    public sealed record HistoryRow(EventPhase From, EventPhase To, string? By, DateTimeOffset At, string? Note);

    public override string FormUrl => Url.Page("/Events/Manage/Edit", new { slug = Entity.Slug, eventId = Event.Id })!;
    public override string SubmitLabel => "Save changes";

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, tracked: false, ct) is { } denied) return denied;
        Input = EventInput.From(Event);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, tracked: true, ct) is { } denied) return denied;
        if (!ModelState.IsValid || !await editor.TryApplyAsync(Input, Event, Entity.Id, ModelState, ct)
            || !await editor.TrySaveAsync(ModelState, Event.Slug, ct))
            return this.PageOrPartial("_EventForm");
        return this.RedirectAfterPost(FormUrl, "Event saved.");
    }

    /// <param name="from">The phase the manager saw when clicking, so a stale or repeated click changes nothing.</param>
    public async Task<IActionResult> OnPostPhaseAsync(string slug, Guid eventId, string? from, string? to, string? note, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, tracked: false, ct) is { } denied) return denied;
        // Parsed here rather than bound: the page's [BindProperty] Input is bound (and invalid) on every POST.
        var result = Enum.TryParse<EventPhase>(from, out var fromPhase) && Enum.TryParse<EventPhase>(to, out var toPhase)
            ? await lifecycle.ChangeAsync(Event.Id, fromPhase, toPhase, User, note, ct)
            : PhaseChangeResult.Refused("Unknown phase.", Event.Phase);
        if (result.Succeeded && !Request.WantsFragment())
            return this.RedirectAfterPost(FormUrl, result.Phase == EventPhase.Cancelled
                ? "The event is cancelled. Its orders are being refunded in the background; the tickets page shows the progress."
                : $"The event is now {result.Phase}.");
        PhaseError = result.Error;
        Event.Phase = result.Phase;
        Input = EventInput.From(Event);
        ModelState.Clear();
        await LoadHistoryAsync(ct);
        return this.PageOrPartial("_PhaseControls");
    }

    private async Task<IActionResult?> LoadAsync(string slug, Guid eventId, bool tracked, CancellationToken ct)
    {
        var (managed, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        Entity = managed!.Entity;
        // The whole row, tracked when the POST is about to change it.
        var query = db.Set<Event>().Where(e => e.Id == managed.Id);
        var found = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
        if (found is null) return NotFound();
        Event = found;
        Tours = await editor.ToursAsync(Entity.Id, ct);
        Tiers = await editor.TiersAsync(Entity.Id, ct);
        await LoadHistoryAsync(ct);
        return null;
    }

    private async Task LoadHistoryAsync(CancellationToken ct) =>
        History = await db.Set<EventPhaseChange>().AsNoTracking().Where(c => c.EventId == Event.Id)
            .OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id)
            .Select(c => new HistoryRow(c.FromPhase, c.ToPhase, c.ChangedBy!.DisplayName, c.ChangedAt, c.Note))
            .ToListAsync(ct);
}

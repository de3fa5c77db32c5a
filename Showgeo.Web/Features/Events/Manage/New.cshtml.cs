using Microsoft.AspNetCore.Mvc;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Events.Manage;

public sealed class NewEventModel(ShowgeoDb db, ManagedEntityGate gate, EventEditor editor, TimeProvider clock) : EventFormPageModel
{
    public override string FormUrl => Url.Page("/Events/Manage/New", new { slug = Entity.Slug })!;
    public override string SubmitLabel => "Create draft";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, ct) is { } denied) return denied;
        Input = new EventInput { TimeZone = "UTC" };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, ct) is { } denied) return denied;
        var created = new Event
        {
            Id = Guid.NewGuid(), EntityId = Entity.Id, Phase = EventPhase.Draft, CreatedAt = clock.GetUtcNow(),
        };
        if (!ModelState.IsValid || !await editor.TryApplyAsync(Input, created, Entity.Id, ModelState, ct))
            return this.PageOrPartial("_EventForm");
        db.Add(created);
        if (!await editor.TrySaveAsync(ModelState, created.Slug, ct)) return this.PageOrPartial("_EventForm");
        return this.RedirectAfterPost(Url.Page("/Events/Manage/Edit", new { slug = Entity.Slug, eventId = created.Id })!,
            "Draft created. Publish it when it is ready.");
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, CancellationToken ct)
    {
        var (allowed, denied) = await gate.CheckAsync(slug, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        var entity = allowed!;
        Entity = entity;
        Tours = await editor.ToursAsync(entity.Id, ct);
        Tiers = await editor.TiersAsync(entity.Id, ct);
        return null;
    }
}

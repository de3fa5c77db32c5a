using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Entities.Manage;

/// <summary>Edits an entity's public profile. The slug stays fixed so links already shared keep working.</summary>
public sealed class EditModel(ShowgeoDb db, ManagedEntityGate gate) : PageModel
{
    public ManagedEntity Entity { get; private set; } = null!;

    [BindProperty] public EntityProfileInput Input { get; set; } = new();

    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var result = await gate.CheckAsync(slug, User, EntityPermission.ManageProfile, ct);
        if (result.Denied is { } denied) return denied;
        Entity = result.Entity!;
        var entity = await db.Set<Entity>().AsNoTracking().SingleAsync(e => e.Id == Entity.Id, ct);
        Input = EntityProfileInput.From(entity);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken ct)
    {
        var result = await gate.CheckAsync(slug, User, EntityPermission.ManageProfile, ct);
        if (result.Denied is { } denied) return denied;
        Entity = result.Entity!;
        Input.Validate(ModelState, nameof(Input));
        if (!ModelState.IsValid) return this.PageOrPartial("_EditProfileForm");

        var entity = await db.Set<Entity>().SingleAsync(e => e.Id == Entity.Id, ct);
        Input.ApplyTo(entity);
        await db.SaveChangesAsync(ct);
        Saved = true;
        return this.FragmentOrRedirect("_EditProfileForm", Url.Page("/Entities/Manage/Edit", new { slug })!, "Profile saved.");
    }
}

using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Entities.Manage;

/// <summary>"Your entities": the ones the signed-in user is a member of, and the form that creates a new one.</summary>
public sealed class IndexModel(ShowgeoDb db, TimeProvider clock) : PageModel
{
    public const int SlugMaxLength = 80;

    public sealed record Membership(string Slug, string Name, EntityKind Kind, EntityRole Role, bool IsVerified, bool IsSuspended);

    public IReadOnlyList<Membership> Memberships { get; private set; } = [];

    [BindProperty] public EntityProfileInput Input { get; set; } = new();

    [BindProperty, Display(Name = "Address (slug)")]
    [StringLength(SlugMaxLength, ErrorMessage = "The address can be at most 80 characters.")]
    public string? Slug { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        if (userId is null) return Challenge();
        Input.Validate(ModelState, nameof(Input));
        var explicitSlug = !string.IsNullOrWhiteSpace(Slug);
        var slug = explicitSlug ? Slug!.Trim().ToLowerInvariant() : Slugs.From(Input.Name ?? "", SlugMaxLength);
        if (explicitSlug && !Slugs.IsValid(slug))
            ModelState.AddModelError(nameof(Slug), "Use lower-case letters, digits and single hyphens for the address, like \"the-blue-notes\".");
        else if (!explicitSlug && slug.Length == 0 && !string.IsNullOrWhiteSpace(Input.Name))
            ModelState.AddModelError(nameof(Slug), "We could not make an address from that name; choose one.");
        if (!ModelState.IsValid) return await FormAsync(ct);

        if (explicitSlug)
        {
            if (await db.Set<Entity>().AnyAsync(e => e.Slug == slug, ct))
                return await SlugTakenAsync(slug, ct);
        }
        else
        {
            slug = await Slugs.FirstFreeAsync(db.Set<Entity>().Select(e => e.Slug), slug, SlugMaxLength, ct);
        }

        var now = clock.GetUtcNow();
        var entity = new Entity { Id = Guid.CreateVersion7(), Slug = slug, CreatedAt = now };
        Input.ApplyTo(entity);
        entity.Members.Add(new EntityMember { UserId = userId.Value, Role = EntityRole.Owner, AddedAt = now });
        db.Add(entity);
        // One SaveChanges is one transaction: the entity never exists without its owner.
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return await SlugTakenAsync(slug, ct);
        }
        return this.RedirectAfterPost(Url.Page("/Entities/Manage/Dashboard", new { slug })!, $"{entity.Name} is ready. You are its owner.");
    }

    private async Task<IActionResult> SlugTakenAsync(string slug, CancellationToken ct)
    {
        ModelState.AddModelError(nameof(Slug), $"The address \"{slug}\" is already taken. Choose another.");
        return await FormAsync(ct);
    }

    private async Task<IActionResult> FormAsync(CancellationToken ct)
    {
        if (!Request.WantsFragment()) await LoadAsync(ct);
        return this.PageOrPartial("_CreateEntityForm");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var userId = EntityAccess.UserId(User);
        Memberships = await db.Set<EntityMember>().AsNoTracking()
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.Entity!.Name)
            .Select(m => new Membership(m.Entity!.Slug, m.Entity.Name, m.Entity.Kind, m.Role, m.Entity.IsVerified,
                m.Entity.SuspendedAt != null))
            .ToListAsync(ct);
    }
}

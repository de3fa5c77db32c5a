using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Entities.Manage;

/// <summary>
/// The entity's collaborators. Owners and managers add, re-role and remove managers and coordinators; the owner row
/// changes only through a transfer, which only the owner can make.
/// </summary>
public sealed class MembersModel(ShowgeoDb db, ManagedEntityGate gate, UserManager<AppUser> users, TimeProvider clock) : PageModel
{
    public sealed record MemberRow(Guid UserId, string DisplayName, string? Handle, string? Email, EntityRole Role, DateTimeOffset AddedAt);

    public sealed class AddInput
    {
        [Required(ErrorMessage = "Enter the person's email or @handle."), StringLength(256)]
        [Display(Name = "Email or @handle")]
        public string? Who { get; set; }

        public EntityRole Role { get; set; } = EntityRole.Coordinator;
    }

    public static readonly EntityRole[] AssignableRoles = [EntityRole.Manager, EntityRole.Coordinator];

    public ManagedEntity Entity { get; private set; } = null!;
    public IReadOnlyList<MemberRow> Members { get; private set; } = [];
    public Guid? ViewerId => EntityAccess.UserId(User);
    /// <summary>Confirmation shown inside the fragment after an htmx change (plain forms get the layout's flash).</summary>
    public string? Message { get; private set; }

    [BindProperty] public AddInput Add { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await EnterAsync(slug, EntityPermission.ManageMembers, ct) is { } denied) return denied;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(string slug, CancellationToken ct)
    {
        if (await EnterAsync(slug, EntityPermission.ManageMembers, ct) is { } denied) return denied;
        if (!AssignableRoles.Contains(Add.Role))
            ModelState.AddModelError("Add.Role", "Add people as a manager or a coordinator; ownership is handed over by transfer.");
        if (!ModelState.IsValid) return await ProblemAsync(null, ct);

        var who = Add.Who!.Trim();
        var byEmail = who.Contains('@') && !who.StartsWith('@');
        // Handles are public (profile URLs), emails are not: an email gets the same reply whether or not it has an
        // account, so this form cannot be used to find out who is registered.
        var neutral = $"If \"{who}\" has a Showgeo account, it was added as {ArticleFor(Add.Role)}. Otherwise ask them to register, then add them again.";
        var user = await FindUserAsync(who, ct);
        if (user is null)
            return byEmail
                ? await AddedAsync(neutral, ct)
                : await ProblemAsync($"No Showgeo account has the handle \"{who}\". Ask them to register first.", ct);

        var existing = await db.Set<EntityMember>().AsNoTracking()
            .Where(m => m.EntityId == Entity.Id && m.UserId == user.Id).Select(m => (EntityRole?)m.Role).SingleOrDefaultAsync(ct);
        if (existing is { } role)
            return await ProblemAsync($"{user.DisplayName} is already a member ({role}).", ct);

        db.Add(new EntityMember { EntityId = Entity.Id, UserId = user.Id, Role = Add.Role, AddedAt = clock.GetUtcNow() });
        db.AddDomainEvent(new EntityRoleGranted(Entity.Id, user.Id, Add.Role, ViewerId!.Value), clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return await ProblemAsync($"{user.DisplayName} is already a member.", ct);
        }
        return await AddedAsync(byEmail ? neutral : $"{user.DisplayName} was added as {ArticleFor(Add.Role)}.", ct);
    }

    private async Task<IActionResult> AddedAsync(string message, CancellationToken ct)
    {
        Add = new();
        ModelState.Clear();
        return await DoneAsync(message, ct);
    }

    public async Task<IActionResult> OnPostChangeRoleAsync(string slug, Guid userId, EntityRole role, CancellationToken ct)
    {
        if (await EnterAsync(slug, EntityPermission.ManageMembers, ct) is { } denied) return denied;
        if (!AssignableRoles.Contains(role))
            return await ProblemAsync("Choose manager or coordinator. Ownership is handed over by transfer.", ct);
        // The owner row is excluded in SQL, so a manager cannot demote the owner however the form is tampered with.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var changed = await db.Set<EntityMember>()
                .Where(m => m.EntityId == Entity.Id && m.UserId == userId && m.Role != EntityRole.Owner && m.Role != role)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, role), ct);
            if (changed == 1) await db.PublishAsync(new EntityRoleGranted(Entity.Id, userId, role, ViewerId!.Value), clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            // Already in that role: nothing changed and nothing is announced, but the answer is the same.
            if (changed == 0 && !await HasRoleAsync(userId, role, ct)) return await ProblemAsync(await WhyNotAsync(userId, ct), ct);
        }
        if (userId == ViewerId && !EntityAccess.Allows(role, EntityPermission.ManageMembers))
            return LeaveMembersPage($"You are now a {role.ToString().ToLowerInvariant()}.", slug);
        return await DoneAsync($"{await NameOfAsync(userId, ct)} is now {ArticleFor(role)}.", ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(string slug, Guid userId, CancellationToken ct)
    {
        if (await EnterAsync(slug, EntityPermission.ManageMembers, ct) is { } denied) return denied;
        var name = await NameOfAsync(userId, ct);
        var removed = await db.Set<EntityMember>()
            .Where(m => m.EntityId == Entity.Id && m.UserId == userId && m.Role != EntityRole.Owner)
            .ExecuteDeleteAsync(ct);
        if (removed == 0) return await ProblemAsync(await WhyNotAsync(userId, ct), ct);
        if (userId == ViewerId) return LeaveMembersPage($"You left {Entity.Name}.", null);
        return await DoneAsync($"{name} was removed.", ct);
    }

    public async Task<IActionResult> OnPostTransferAsync(string slug, Guid userId, CancellationToken ct)
    {
        if (await EnterAsync(slug, EntityPermission.TransferOwnership, ct) is { } denied) return denied;
        if (userId == ViewerId) return await ProblemAsync("You already own this entity.", ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Both updates are conditional, so a concurrent transfer or removal cannot leave two owners or none.
        var demoted = await db.Set<EntityMember>()
            .Where(m => m.EntityId == Entity.Id && m.UserId == ViewerId && m.Role == EntityRole.Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, EntityRole.Manager), ct);
        var promoted = demoted == 1
            ? await db.Set<EntityMember>()
                .Where(m => m.EntityId == Entity.Id && m.UserId == userId && m.Role != EntityRole.Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, EntityRole.Owner), ct)
            : 0;
        if (promoted != 1)
        {
            await tx.RollbackAsync(ct);
            return await ProblemAsync("Ownership can only go to someone who is already a member. Add them first.", ct);
        }
        await db.PublishAsync(new EntityRoleGranted(Entity.Id, userId, EntityRole.Owner, ViewerId!.Value), clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        Entity = Entity with { Role = EntityRole.Manager };
        return await DoneAsync($"{await NameOfAsync(userId, ct)} now owns {Entity.Name}. You are a manager.", ct);
    }

    private async Task<IActionResult?> EnterAsync(string slug, EntityPermission permission, CancellationToken ct)
    {
        var result = await gate.CheckAsync(slug, User, permission, ct);
        if (result.Denied is not null) return result.Denied;
        Entity = result.Entity!;
        return null;
    }

    private async Task<AppUser?> FindUserAsync(string who, CancellationToken ct)
    {
        if (who.StartsWith('@') || !who.Contains('@'))
        {
            var handle = who.TrimStart('@').ToLowerInvariant();
            return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Handle == handle, ct);
        }
        return await users.FindByEmailAsync(who);
    }

    private Task<bool> HasRoleAsync(Guid userId, EntityRole role, CancellationToken ct) =>
        db.Set<EntityMember>().AnyAsync(m => m.EntityId == Entity.Id && m.UserId == userId && m.Role == role, ct);

    private async Task<string> WhyNotAsync(Guid userId, CancellationToken ct)
    {
        var role = await db.Set<EntityMember>().AsNoTracking()
            .Where(m => m.EntityId == Entity.Id && m.UserId == userId).Select(m => (EntityRole?)m.Role).SingleOrDefaultAsync(ct);
        return role == EntityRole.Owner
            ? "The owner cannot be changed or removed. The owner can transfer ownership to another member."
            : "That person is not a member of this entity.";
    }

    private async Task<string> NameOfAsync(Guid userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "That person";

    private static string ArticleFor(EntityRole role) => $"a {role.ToString().ToLowerInvariant()}";

    private async Task<IActionResult> ProblemAsync(string? message, CancellationToken ct)
    {
        if (message is not null) ModelState.AddModelError(string.Empty, message);
        await LoadAsync(ct);
        return this.PageOrPartial("_Members");
    }

    private async Task<IActionResult> DoneAsync(string message, CancellationToken ct)
    {
        Message = message;
        if (Request.WantsFragment()) await LoadAsync(ct);
        return this.FragmentOrRedirect("_Members", Url.Page("/Entities/Manage/Members", new { slug = Entity.Slug })!, message);
    }

    /// <summary>The viewer just gave up the right to this page; send them somewhere they may still go.</summary>
    private IActionResult LeaveMembersPage(string message, string? slug)
    {
        return this.RedirectAfterPost(slug is null ? Url.Page("/Entities/Manage/Index")! : Url.Page("/Entities/Manage/Dashboard", new { slug })!, message);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Members = await db.Set<EntityMember>().AsNoTracking()
            .Where(m => m.EntityId == Entity.Id)
            .OrderBy(m => m.Role == EntityRole.Owner ? 0 : m.Role == EntityRole.Manager ? 1 : 2).ThenBy(m => m.User!.DisplayName)
            .Select(m => new MemberRow(m.UserId, m.User!.DisplayName, m.User.Handle, m.User.Email, m.Role, m.AddedAt))
            .ToListAsync(ct);
    }
}

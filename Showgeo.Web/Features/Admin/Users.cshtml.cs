using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Admin;

/// <summary>Account moderation (the Admin policy is applied to this folder in EntitiesSetup).</summary>
public sealed class UsersModel(ShowgeoDb db, UserManager<AppUser> users, TimeProvider clock) : PageModel
{
    public const int PageSize = 25;

    public sealed record UserRow(Guid Id, string Email, string DisplayName, string? Handle, DateTimeOffset? SuspendedAt,
        string? SuspensionReason, DateTimeOffset CreatedAt, bool IsSelf);

    // Kept short: the search goes back into the redirect after every action, and a huge one overflows the headers.
    [BindProperty(SupportsGet = true)] public string? Q { get; set => field = value is { Length: > 100 } ? value[..100] : value; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    [BindProperty, Display(Name = "Reason"), StringLength(500, ErrorMessage = "Keep the reason under 500 characters.")]
    public string? Reason { get; set; }

    public IReadOnlyList<UserRow> Rows { get; private set; } = [];
    public bool HasNextPage { get; private set; }
    public IReadOnlyList<AdminActions.Recent> RecentActions { get; private set; } = [];
    /// <summary>The row a POST acted on; its message and errors show on that row only.</summary>
    [ViewData] public Guid? FocusId { get; private set; }
    [ViewData] public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        PageNumber = Math.Max(1, PageNumber);
        var query = db.Set<AppUser>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var term = Q.Trim().TrimStart('@');
            var pattern = SqlLike.Containing(term);
            query = query.Where(u => EF.Functions.ILike(u.Email!, pattern) || EF.Functions.ILike(u.Handle!, pattern));
        }
        // One row more than a page says whether there is a next page without a count query.
        var rows = await Rowify(query.OrderBy(u => u.Email).ThenBy(u => u.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1))
            .ToListAsync(ct);
        HasNextPage = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
        RecentActions = await AdminActions.RecentAsync(db, AdminActions.User, ct);
    }

    public async Task<IActionResult> OnPostSuspendAsync(Guid id, CancellationToken ct)
    {
        if (id == EntityAccess.UserId(User))
            ModelState.AddModelError(nameof(Reason), "You cannot suspend your own account.");
        else if (string.IsNullOrWhiteSpace(Reason))
            ModelState.AddModelError(nameof(Reason), "Give a reason: it is recorded with the suspension.");
        if (!ModelState.IsValid)
        {
            var row = await Rowify(db.Set<AppUser>().AsNoTracking().Where(u => u.Id == id)).SingleOrDefaultAsync(ct);
            if (row is null) return NotFound();
            FocusId = id;
            if (!Request.WantsFragment()) await OnGetAsync(ct);
            return this.PageOrPartial("_UserRow", row);
        }
        var reason = Reason!.Trim();
        return await ChangeAsync(id, user =>
        {
            user.SuspendedAt = clock.GetUtcNow();
            user.SuspensionReason = reason;
        }, "suspended", reason, ct);
    }

    public Task<IActionResult> OnPostReinstateAsync(Guid id, CancellationToken ct) =>
        ChangeAsync(id, user =>
        {
            user.SuspendedAt = null;
            user.SuspensionReason = null;
        }, "reinstated", null, ct);

    private async Task<IActionResult> ChangeAsync(Guid id, Action<AppUser> change, string what, string? reason, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null) return NotFound();
        change(user);
        AdminActions.Record(db, User, clock.GetUtcNow(), what, AdminActions.User, id, user.Email ?? user.DisplayName, reason);
        // A new security stamp makes every cookie issued before it fail its next validation (AccountSetup sets how
        // often that runs), so a suspension signs the account out everywhere. Saving the stamp saves the change and
        // its record in the same SaveChanges.
        var result = await users.UpdateSecurityStampAsync(user);
        // Another admin changed the account in the same moment: nothing was saved, and saying so beats a 500.
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            return StatusCode(StatusCodes.Status409Conflict);
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));

        var row = await Rowify(db.Set<AppUser>().AsNoTracking().Where(u => u.Id == id)).SingleAsync(ct);
        FocusId = id;
        Message = $"{row.Email} is {what}.";
        Reason = null;
        return this.FragmentOrRedirect("_UserRow", Url.Page("/Admin/Users", new { q = Q })!, Message, row);
    }

    private IQueryable<UserRow> Rowify(IQueryable<AppUser> query)
    {
        var self = EntityAccess.UserId(User);
        return query.Select(u => new UserRow(u.Id, u.Email ?? "", u.DisplayName, u.Handle, u.SuspendedAt, u.SuspensionReason,
            u.CreatedAt, u.Id == self));
    }
}

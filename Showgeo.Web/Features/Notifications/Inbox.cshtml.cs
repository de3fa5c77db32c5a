using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Notifications;

/// <summary>/me/notifications: newest first, paged, unread marked; mark one or all read, with or without JavaScript.</summary>
[Authorize]
public sealed class InboxModel(NotificationInbox inbox) : PageModel
{
    public InboxPage Inbox { get; private set; } = new([], null, 0);
    public bool FirstPage { get; private set; } = true;

    public async Task<IActionResult> OnGetAsync(string? before, CancellationToken ct)
    {
        if (ParseBefore(before) is not { } olderThan) return BadRequest();
        FirstPage = olderThan == long.MaxValue;
        Inbox = await inbox.PageAsync(UserId, FirstPage ? null : olderThan, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReadAsync(Guid id, string? before, CancellationToken ct)
    {
        if (!await inbox.MarkReadAsync(UserId, id, ct)) return NotFound();
        if (!Request.WantsFragment()) return this.RedirectAfterPost(Back(before));
        var item = (await inbox.FindAsync(UserId, id, ct))!;
        return this.FragmentOrRedirect("_MarkedRead", Back(before), model: new MarkedRead(item, await inbox.UnreadCountAsync(UserId, ct)));
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        await inbox.MarkAllReadAsync(UserId, ct);
        if (!Request.WantsFragment()) return this.RedirectAfterPost(Url.Page("/Notifications/Inbox")!, "Everything is marked read.");
        Inbox = await inbox.PageAsync(UserId, null, ct);
        return this.FragmentOrRedirect("_InboxList", Url.Page("/Notifications/Inbox")!);
    }

    private Guid UserId => EntityAccess.UserId(User)!.Value;

    private string Back(string? before) =>
        ParseBefore(before) is { } b && b != long.MaxValue ? Url.Page("/Notifications/Inbox", new { before = b })! : Url.Page("/Notifications/Inbox")!;

    /// <summary>long.MaxValue for the first page; null when the value is not a positive whole number.</summary>
    private static long? ParseBefore(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return long.MaxValue;
        return long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }
}

public sealed record UnreadBadge(int Count, bool OutOfBand = false);

public sealed record MarkedRead(NotificationView Item, int UnreadCount);

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Chat;

/// <summary>
/// A moderator's actions on one message: remove it, mute its author in this room, or ban its author from the entity's
/// chats. The "Moderate" link on each message leads here, with or without JavaScript. Only the entity's team (owner,
/// managers, coordinators) gets past <see cref="LoadAsync"/>; everyone else gets 404, as for any back-office page.
/// </summary>
[Authorize]
public sealed class ModerateModel(ShowgeoDb db, ChatService chat) : PageModel
{
    public static readonly int[] MuteChoices = [5, 10, 30, 60, 24 * 60];

    public ChatContext Chat { get; private set; } = null!;
    public ChatMessage Message { get; private set; } = null!;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid messageId, CancellationToken ct) =>
        await LoadAsync(slug, messageId, ct) ?? Page();

    public async Task<IActionResult> OnPostDeleteAsync(string slug, Guid messageId, CancellationToken ct) =>
        await LoadAsync(slug, messageId, ct) ?? Done(await chat.DeleteAsync(Chat, messageId, ct), "Message removed.");

    public async Task<IActionResult> OnPostMuteAsync(string slug, Guid messageId, [FromForm] int? minutes, CancellationToken ct) =>
        await LoadAsync(slug, messageId, ct)
        ?? Done(await chat.MuteAsync(Chat, Message.UserId, minutes ?? 0, ct), $"{Message.AuthorName} is muted in this chat for {minutes} min.");

    public async Task<IActionResult> OnPostBanAsync(string slug, Guid messageId, CancellationToken ct) =>
        await LoadAsync(slug, messageId, ct)
        ?? Done(await chat.BanAsync(Chat, Message.UserId, ct), $"{Message.AuthorName} is banned from {Chat.Event.Entity!.Name}'s chats.");

    private IActionResult Done(ChatOutcome outcome, string flash)
    {
        if (outcome.Succeeded)
            return this.RedirectAfterPost(Url.Page("/Events/Details", null, new { slug = Chat.Event.Slug }, null, null, "chat")!, flash);
        Error = outcome.Error;
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(string slug, Guid messageId, CancellationToken ct)
    {
        if (await chat.BySlugAsync(slug, User, ct) is not { Access.Page: not EventPageAccess.Hidden, IsModerator: true } context)
            return NotFound();
        Chat = context;
        if (await db.Set<ChatMessage>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == messageId && m.EventId == context.EventId, ct) is not { } message)
            return NotFound();
        Message = message;
        return null;
    }
}

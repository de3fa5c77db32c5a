using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Chat;

/// <summary>
/// An event's chat on a page of its own (the transcript, and where a refused post without JavaScript lands), and every
/// chat action posted from the event page's panel. With htmx each action returns the region it changed; without it, a
/// redirect back to the event page, which shows the new state. What everyone else sees arrives over the live stream.
/// </summary>
public sealed class RoomModel(ChatService chat, ChatQueries queries) : PageModel
{
    public ChatContext Chat { get; private set; } = null!;
    public ChatPanelView Panel { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        if (!Chat.CanRead) return Page();
        Panel = await queries.PanelAsync(Chat, ct);
        Panel.Flash = Flash.Take(TempData);
        return Page();
    }

    public async Task<IActionResult> OnPostMessageAsync(string slug, [FromForm] string? text, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var outcome = await chat.PostAsync(Chat, text, ct);
        var form = queries.Form(Chat);
        if (!outcome.Succeeded)
        {
            form.Error = outcome.Error;
            form.Draft = text is { Length: <= ChatRules.MaxMessageLength } ? text : text?[..ChatRules.MaxMessageLength];
            if (Request.WantsFragment()) return Partial("_ChatForm", form);
            if (!Chat.CanRead) return Page();
            Panel = await queries.PanelAsync(Chat, ct);
            Panel.Form.Error = form.Error;
            Panel.Form.Draft = form.Draft;
            return Page();
        }
        return this.FragmentOrRedirect("_ChatForm", EventUrl(), model: form);
    }

    public async Task<IActionResult> OnPostReactAsync(string slug, [FromForm] string? emoji, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var outcome = await chat.ReactAsync(Chat, emoji, ct);
        if (!Request.WantsFragment()) return this.RedirectAfterPost(EventUrl(), outcome.Error);
        var panel = await queries.PanelAsync(Chat, ct);
        return Partial("_ChatReactions", panel.Reactions with { Error = outcome.Error });
    }

    public async Task<IActionResult> OnPostVoteAsync(string slug, [FromForm] Guid pollId, [FromForm] int? option, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var outcome = await chat.VoteAsync(Chat, pollId, option ?? -1, ct);
        return await PollsResultAsync(outcome, outcome.Succeeded ? "Thanks for voting." : null, ct);
    }

    public async Task<IActionResult> OnPostOpenPollAsync(string slug, [FromForm] string? question, [FromForm] string?[]? options, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var outcome = await chat.OpenPollAsync(Chat, question, options, ct);
        return await PollsResultAsync(outcome, outcome.Succeeded ? "Poll opened." : null, ct);
    }

    public async Task<IActionResult> OnPostClosePollAsync(string slug, [FromForm] Guid pollId, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var outcome = await chat.ClosePollAsync(Chat, pollId, ct);
        return await PollsResultAsync(outcome, outcome.Succeeded ? "Poll closed." : null, ct);
    }

    public async Task<IActionResult> OnPostSettingsAsync(string slug, [FromForm] int? slowModeSeconds, [FromForm] bool followersOnly,
        [FromForm] bool attendeesOnly, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var outcome = await chat.SettingsAsync(Chat, slowModeSeconds ?? -1, followersOnly, attendeesOnly, ct);
        return this.RedirectAfterPost(EventUrl(), outcome.Error ?? "Chat settings saved.");
    }

    private async Task<IActionResult> PollsResultAsync(ChatOutcome outcome, string? done, CancellationToken ct)
    {
        if (!Request.WantsFragment()) return this.RedirectAfterPost(EventUrl(), outcome.Error ?? done);
        var panel = await queries.PanelAsync(Chat, ct);
        return Partial("_ChatPolls", panel.Polls with { Error = outcome.Error });
    }

    /// <summary>404 for an event the viewer may not know about; a sign-in for anonymous posts; null to carry on.</summary>
    private async Task<IActionResult?> LoadAsync(string slug, CancellationToken ct)
    {
        if (await chat.BySlugAsync(slug, User, ct) is not { Access.Page: not EventPageAccess.Hidden } context) return NotFound();
        Chat = context;
        if (HttpMethods.IsPost(Request.Method) && Chat.PostRefusal?.Kind == EventRefusalKind.SignInRequired) return Challenge();
        return null;
    }

    private string EventUrl() => Url.Page("/Events/Details", null, new { slug = Chat.Event.Slug }, null, null, "chat")!;
}

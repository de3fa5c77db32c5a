using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

/// <summary>What <c>#checkin-result</c> shows: the verdict in large letters and one line about the ticket.</summary>
public sealed record CheckInShown(CheckInVerdict Verdict, string Headline, string Detail)
{
    private const string Separator = ": ";

    public static CheckInShown Of(CheckInResult result) => new(result.Verdict, result.Headline, result.Detail);

    /// <summary>The scan as the flash message a plain form carries over its redirect ("VALID: General — admitted…").</summary>
    public string Summary => Headline + Separator + Detail;

    /// <summary>The scan back from <see cref="Summary"/>; null for any other message.</summary>
    public static CheckInShown? FromSummary(string? summary)
    {
        if (summary is null) return null;
        foreach (var verdict in Enum.GetValues<CheckInVerdict>())
        {
            var prefix = CheckInResult.HeadlineOf(verdict) + Separator;
            if (summary.StartsWith(prefix, StringComparison.Ordinal))
                return new(verdict, CheckInResult.HeadlineOf(verdict), summary[prefix.Length..]);
        }
        return null;
    }
}

/// <summary>Door check-in for one event; any member of the entity (coordinators too) may run it.</summary>
[Authorize]
public sealed class CheckInModel(ManagedEventGate gate, CheckInDesk desk) : PageModel
{
    public ManagedEvent Event { get; private set; } = null!;
    public CheckInShown? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        // A plain form's scan comes back as the flash; it is shown in the result box rather than as a page notice.
        Result = CheckInShown.FromSummary(Flash.Take(TempData));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, Guid eventId, [FromForm] string? code, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        Result = CheckInShown.Of(await desk.CheckInAsync(eventId, code, ct));
        return this.FragmentOrRedirect("_CheckInResult", Url.Page("/Tickets/CheckIn", new { slug, eventId })!, Result.Summary, Result);
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, Guid eventId, CancellationToken ct)
    {
        var (ev, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        Event = ev!;
        return null;
    }
}

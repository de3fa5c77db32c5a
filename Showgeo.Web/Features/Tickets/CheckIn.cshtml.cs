using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

/// <summary>Door check-in for one event; any member of the entity (coordinators too) may run it.</summary>
[Authorize]
public sealed class CheckInModel(ManagedEventGate gate, CheckInDesk desk) : PageModel
{
    public ManagedEvent Event { get; private set; } = null!;
    public CheckInResult? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        if (TempData["CheckIn"] is string last && last.Split('|', 4) is [var verdict, var code, var type, var used])
            Result = new(Enum.Parse<CheckInVerdict>(verdict), code, type == "" ? null : type,
                used == "" ? null : DateTimeOffset.Parse(used, System.Globalization.CultureInfo.InvariantCulture));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, Guid eventId, [FromForm] string? code, CancellationToken ct)
    {
        if (await AuthorizeAsync(slug, eventId, ct) is { } denied) return denied;
        Result = await desk.CheckInAsync(eventId, code, ct);
        if (Request.WantsFragment()) return Partial("_CheckInResult", Result);
        TempData["CheckIn"] = $"{Result.Verdict}|{Result.Code.Replace("|", "")}|{Result.TypeName?.Replace("|", "")}|{Result.UsedAt?.ToString("O")}";
        return this.RedirectAfterPost(Url.Page("/Tickets/CheckIn", new { slug, eventId })!);
    }

    private async Task<IActionResult?> AuthorizeAsync(string slug, Guid eventId, CancellationToken ct)
    {
        var (ev, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        Event = ev!;
        return null;
    }
}

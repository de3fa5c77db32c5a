using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// The host studio of one event, for the entity's team (404 for everyone else, like every back-office page): camera
/// and microphone preview, go live and end (the phase change of <see cref="EventLifecycle"/>, which raises LIVE_NOW and
/// makes stream-core open or close the room), screen share and mute in the browser, the raised hands and guests on
/// stage, signed stage invite links, and the OBS ingress when LiveKit Ingress is configured. The phase buttons, the
/// stage and the ingress forms are plain forms that work without JavaScript.
/// </summary>
[Authorize]
public sealed class StudioModel(ShowgeoDb db, ManagedEntityGate gate, EventLifecycle lifecycle, IOptions<LiveKitOptions> liveKit,
    StageService stage, StageInvites invites, StreamIngress ingress) : PageModel
{
    public ManagedEntity Entity { get; private set; } = null!;
    public Event Event { get; private set; } = null!;
    public IReadOnlyList<StageSeatView> Seats { get; private set; } = [];
    public StreamIngressInfo? Ingress { get; private set; }
    public string? PhaseError { get; private set; }
    public string? StageMessage { get; private set; }
    public string? IngressMessage { get; private set; }
    public string? InviteLink { get; private set; }
    public bool Configured => liveKit.Value.IsConfigured;
    public string? IngressUnavailable => ingress.Unavailable;
    public string NotConfiguredMessage => StreamingMessages.NotConfigured;
    public bool CanStream => Configured && Event.Phase is EventPhase.Pre or EventPhase.Live;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        return Page();
    }

    public async Task<IActionResult> OnPostPhaseAsync(string slug, string? from, string? to, string? note, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var result = Enum.TryParse<EventPhase>(from, out var fromPhase) && Enum.TryParse<EventPhase>(to, out var toPhase)
                     && (toPhase is EventPhase.Live or EventPhase.Post)
            ? await lifecycle.ChangeAsync(Event.Id, fromPhase, toPhase, User, note, ct)
            : PhaseChangeResult.Refused("The studio can go live or end the stream; other changes are on the event's edit page.", Event.Phase);
        if (result.Succeeded && !Request.WantsFragment())
            return this.RedirectAfterPost(Here, result.Phase == EventPhase.Live ? "You are live." : "The stream has ended.");
        PhaseError = result.Error;
        Event.Phase = result.Phase;
        return this.PageOrPartial("_StudioPhase");
    }

    public async Task<IActionResult> OnPostInviteAsync(string slug, Guid userId, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        return await StageResultAsync(await stage.InviteAsync(Event, userId, EntityAccess.UserId(User)!.Value, ct), ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(string slug, Guid userId, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        return await StageResultAsync(await stage.RemoveAsync(Event, userId, ct), ct);
    }

    /// <summary>A signed link for one named account (by handle): opening it while signed in as them offers "Join the stage".</summary>
    public async Task<IActionResult> OnPostInviteLinkAsync(string slug, string? handle, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        var wanted = handle?.Trim().TrimStart('@');
        var guest = string.IsNullOrEmpty(wanted) || wanted.Length > 64 ? null
            : await db.Users.AsNoTracking().Where(u => u.Handle == wanted).Select(u => new { u.Id, u.DisplayName }).SingleOrDefaultAsync(ct);
        if (guest is null) return await StageResultAsync(StageOutcome.Refused("No account has that handle."), ct);
        if (!StageService.StageOpen(Event.Phase)) return await StageResultAsync(StageOutcome.Refused(StageService.NotOpenMessage), ct);
        var token = invites.Create(Event.Id, guest.Id, guest.DisplayName);
        InviteLink = Url.Page("/Streaming/Watch", null, new { slug = Event.Slug, invite = token }, Request.Scheme, Request.Host.Value);
        return await StageResultAsync(StageOutcome.Ok($"Send this link to {guest.DisplayName}; it works for their account for {(int)StageInvites.DefaultLifetime.TotalHours} hours."), ct);
    }

    public async Task<IActionResult> OnPostIngressAsync(string slug, bool regenerate, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } denied) return denied;
        if (IngressUnavailable is { } why)
        {
            IngressMessage = why;
            return this.PageOrPartial("_StudioIngress");
        }
        else
        {
            var me = EntityAccess.UserId(User)!.Value.ToString();
            var name = User.FindFirst(ShowgeoClaims.DisplayName)?.Value ?? Entity.Name;
            try
            {
                Ingress = regenerate ? await ingress.RegenerateAsync(Event, me, name, ct: ct) : await ingress.EnsureAsync(Event, me, name, ct: ct);
                IngressMessage = regenerate ? "A new stream key was made; the old one no longer works." : "OBS ingest is ready.";
            }
            catch (LiveKitException e)
            {
                IngressMessage = $"LiveKit could not make the ingest endpoint: {e.Message}";
            }
        }
        if (!Request.WantsFragment()) return this.RedirectAfterPost(Here, IngressMessage);
        return Partial("_StudioIngress", this);
    }

    private async Task<IActionResult> StageResultAsync(StageOutcome outcome, CancellationToken ct)
    {
        // A refusal (and a new invite link) is shown on the page itself; a done action redirects without htmx.
        if (!Request.WantsFragment() && InviteLink is null && outcome.Done)
            return this.RedirectAfterPost(Here, outcome.Message);
        StageMessage = outcome.Message;
        Seats = await stage.SeatsAsync(Event.Id, ct);
        return this.PageOrPartial("_StudioStage");
    }

    private string Here => Url.Page("/Streaming/Studio", new { slug = Event.Slug })!;

    private async Task<IActionResult?> LoadAsync(string slug, CancellationToken ct)
    {
        var ev = await db.Set<Event>().AsNoTracking().Include(e => e.Entity).SingleOrDefaultAsync(e => e.Slug == slug, ct);
        if (ev is null) return NotFound();
        var (entity, denied) = await gate.CheckAsync(ev.Entity!.Slug, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        (Entity, Event) = (entity!, ev);
        Seats = await stage.SeatsAsync(ev.Id, ct);
        Ingress = await ingress.CurrentAsync(ev.Id, ct);
        if (Configured) SecurityHeaders.AllowStreaming(HttpContext, liveKit.Value.Url);
        return null;
    }
}

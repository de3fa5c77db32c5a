using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Streaming;

/// <summary>What the watch page's main area shows.</summary>
public enum WatchStage { Countdown, Player, Premiere, Replay, Ended, NotConfigured, Refused, Cancelled }

/// <summary>
/// The watch page: before the start a countdown, while LIVE the stream (or a premiere's video), after POST the replay;
/// the event chat beside it throughout. With the event page it is the only page that loads livekit-client, and it
/// loosens the CSP only for itself (<see cref="SecurityHeaders.AllowStreaming"/>). Who may watch is stream-core's
/// <see cref="StreamAccess"/>: its refusal sentence is shown here as the token endpoint would give it. The raise-hand
/// and stage-invite forms work without JavaScript.
/// </summary>
public sealed class WatchModel(EventAccess eventAccess, StreamAccess streams, IOptions<LiveKitOptions> liveKit, ChatService chat,
    ChatQueries chatQueries, Premieres premieres, StageService stage, StageInvites invites, Data.ShowgeoDb db, TimeProvider clock) : PageModel
{
    public EventAccessDecision Access { get; private set; } = null!;
    public Event Event => Access.Event;
    public WatchStage Stage { get; private set; }
    public string? Refusal { get; private set; }
    public ChatPanelView? Chat { get; private set; }
    public PremiereView? Premiere { get; private set; }
    public StreamReplay? Replay { get; private set; }
    public StageSeatView? MySeat { get; private set; }
    public string? StageMessage { get; private set; }
    public string? Invite { get; private set; }
    public bool SignedIn => Access.SignedIn;
    public bool CanRaiseHand => SignedIn && Stage == WatchStage.Player && StageService.StageOpen(Event.Phase);
    public string NotConfiguredMessage => StreamingMessages.NotConfigured;

    public async Task<IActionResult> OnGetAsync(string slug, string? invite, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } missing) return missing;
        if (!string.IsNullOrEmpty(invite) && SignedIn)
        {
            var (read, refusal) = invites.Read(invite, Event.Id);
            if (read is not null && read.UserId != Access.UserId) refusal = StageInvites.OtherAccountMessage;
            if (refusal is null) Invite = invite; else StageMessage = refusal;
        }
        else if (!string.IsNullOrEmpty(invite))
        {
            StageMessage = "Sign in as the invited guest to join the stage.";
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRaiseHandAsync(string slug, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } missing) return missing;
        if (EntityAccess.UserId(User) is not { } me) return Challenge();
        if (!CanRaiseHand) return StageResult(StageOutcome.Refused(Refusal ?? StageService.NotOpenMessage));
        var outcome = await stage.RaiseHandAsync(Event, me, User.FindFirst(ShowgeoClaims.DisplayName)?.Value ?? User.Identity?.Name ?? "Guest", ct);
        MySeat = await stage.SeatAsync(Event.Id, me, ct);
        return StageResult(outcome);
    }

    public async Task<IActionResult> OnPostLowerHandAsync(string slug, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } missing) return missing;
        if (EntityAccess.UserId(User) is not { } me) return Challenge();
        var outcome = await stage.LowerHandAsync(Event, me, ct);
        MySeat = await stage.SeatAsync(Event.Id, me, ct);
        return StageResult(outcome);
    }

    public async Task<IActionResult> OnPostJoinAsync(string slug, [FromForm] string? invite, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } missing) return missing;
        if (EntityAccess.UserId(User) is not { } me) return Challenge();
        var (read, refusal) = invites.Read(invite, Event.Id);
        StageOutcome outcome = read is null ? StageOutcome.Refused(refusal!)
            : Stage != WatchStage.Player ? StageOutcome.Refused(Refusal ?? StageService.NotOpenMessage)
            : await stage.JoinAsync(Event, read, me, User.FindFirst(ShowgeoClaims.DisplayName)?.Value ?? read.Name, ct);
        MySeat = await stage.SeatAsync(Event.Id, me, ct);
        return StageResult(outcome);
    }

    private IActionResult StageResult(StageOutcome outcome)
    {
        if (!Request.WantsFragment())
        {
            if (!outcome.Done) { StageMessage = outcome.Message; return Page(); }
            return this.RedirectAfterPost(Url.Page("/Streaming/Watch", new { slug = Event.Slug })!, outcome.Message);
        }
        StageMessage = outcome.Message;
        return Partial("_RaiseHand", this);
    }

    private async Task<IActionResult?> LoadAsync(string slug, CancellationToken ct)
    {
        if (await eventAccess.BySlugAsync(slug, User, ct) is not { Page: not EventPageAccess.Hidden } access) return NotFound();
        Access = access;
        var now = clock.GetUtcNow();
        Premiere = await premieres.ForAsync(Event, ct);
        Stage = Decide(now);
        if (Stage is WatchStage.Player or WatchStage.Premiere or WatchStage.Countdown)
        {
            // The same rule the token endpoint applies, so the page and the endpoint never disagree about a viewer.
            if (await streams.DecideAsync(slug, User, ct) is { Role: null } refused && !(Stage == WatchStage.Player && !liveKit.Value.IsConfigured))
            {
                Refusal = refused.Refusal;
                if (Stage != WatchStage.Countdown) Stage = WatchStage.Refused;
            }
        }
        if (Stage == WatchStage.Player && !liveKit.Value.IsConfigured) Stage = WatchStage.NotConfigured;
        if (Stage == WatchStage.Ended)
        {
            Replay = await db.ReplayFor(Event.Id, ct);
            if (Replay is not null) Stage = WatchStage.Replay;
        }
        if (Stage is WatchStage.Player) SecurityHeaders.AllowStreaming(HttpContext, liveKit.Value.Url);
        if (Access.CanSeePage && !Request.WantsFragment())
        {
            Chat = await chatQueries.PanelAsync(await chat.ContextAsync(Access, ct), ct);
            Chat.Flash = Flash.Take(TempData);
        }
        if (Access.UserId is { } me && MySeat is null) MySeat = await stage.SeatAsync(Event.Id, me, ct);
        return null;
    }

    private WatchStage Decide(DateTimeOffset now) => Event.Phase switch
    {
        EventPhase.Cancelled => WatchStage.Cancelled,
        EventPhase.Post => Event.IsPrerecorded && Premiere is not null ? WatchStage.Premiere : WatchStage.Ended,
        _ when Event.IsPrerecorded && Premiere is not null => Premiere.Started && Event.Phase != EventPhase.Draft ? WatchStage.Premiere : WatchStage.Countdown,
        EventPhase.Live => WatchStage.Player,
        _ => WatchStage.Countdown,
    };

    /// <summary>The next step that could lift a refusal: sign in, follow or join, or buy a ticket.</summary>
    public (string Label, string Url)? NextStep()
    {
        var here = Url.Page("/Streaming/Watch", new { slug = Event.Slug })!;
        if (!SignedIn) return ("Sign in", Url.Page("/Account/Login", new { returnUrl = here })!);
        if (Access.Page == EventPageAccess.FollowHint)
            return (Event.Visibility == EventVisibility.Members ? $"Join a membership of {Event.Entity!.Name}" : $"Follow {Event.Entity!.Name}",
                $"/e/{Event.Entity!.Slug}");
        if (!Event.IsFree && Access.CanBuy) return ("Buy a ticket", Url.Page("/Events/Details", null, new { slug = Event.Slug }, null, null, "tickets")!);
        return null;
    }
}

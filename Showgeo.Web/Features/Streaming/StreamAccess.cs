using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tickets;

namespace Showgeo.Web.Features.Streaming;

/// <summary>Who is on stage right now (invited and accepted). The stage feature registers the real one.</summary>
public interface IStageMembership
{
    Task<bool> IsOnStageAsync(Guid eventId, Guid userId, CancellationToken ct);
}

/// <summary>The registration until a stage exists: nobody is on stage.</summary>
public sealed class NoStage : IStageMembership
{
    public Task<bool> IsOnStageAsync(Guid eventId, Guid userId, CancellationToken ct) => Task.FromResult(false);
}

/// <summary>Whether one viewer may join one event's stream, and as what. <see cref="Role"/> is null when refused.</summary>
/// <param name="RefusalStatus">The HTTP status a refusal answers with (401 sign in, 403, 404, 409 wrong phase); 200 when allowed.</param>
public sealed record StreamDecision(EventAccessDecision Event, StreamRole? Role, string? Refusal, int RefusalStatus)
{
    public bool Allowed => Role is not null;
}

/// <summary>
/// The stream's access rule, on top of <see cref="EventAccess"/> (visibility, followers, members, suspension, geo):
/// <list type="bullet">
/// <item>Nobody while the entity is suspended. The entity's team (owner, managers, coordinators) is Host, in Pre and Live, whatever the event's audience.</item>
/// <item>Everyone else only while Pre or Live; never someone banned from the entity's chats.</item>
/// <item>Paid events: a ticket that is valid or used, not refunded. Free events: anyone who sees the page, unless the
/// manager ticked "viewers must sign in" (<see cref="Event.StreamRequiresSignIn"/>), which on a free event means
/// signed in with a "going" RSVP.</item>
/// <item>Someone on stage (<see cref="IStageMembership"/>) who may watch is a Guest.</item>
/// </list>
/// </summary>
public sealed class StreamAccess(ShowgeoDb db, EventAccess events, IStageMembership stage)
{
    public async Task<StreamDecision?> DecideAsync(string eventSlug, ClaimsPrincipal viewer, CancellationToken ct)
    {
        var access = await events.BySlugAsync(eventSlug, viewer, ct);
        return access is null ? null : await DecideAsync(access, ct);
    }

    public async Task<StreamDecision> DecideAsync(EventAccessDecision access, CancellationToken ct)
    {
        var ev = access.Event;
        if (access.Page == EventPageAccess.Hidden) return Refuse(access, EventAccess.NotFoundMessage, 404);
        if (access.EntitySuspended) return Refuse(access, EventAccess.SuspendedMessage, 403);
        var streaming = ev.Phase is EventPhase.Pre or EventPhase.Live;
        if (access.IsTeam)
            return streaming ? new(access, StreamRole.Host, null, 200) : Refuse(access, StreamingMessages.NotStreamingPhase, 409);
        if (access.Page == EventPageAccess.FollowHint) return Refuse(access, access.HintMessage, 403);
        if (!streaming) return Refuse(access, StreamingMessages.NotStreamingPhase, 409);
        if (access.RegionBlocked) return Refuse(access, ViewerCountry.NotAvailableMessage, 403);

        if (access.UserId is not { } userId)
        {
            if (!ev.IsFree) return Refuse(access, StreamingMessages.TicketRequired + " Sign in first.", 401);
            return ev.StreamRequiresSignIn ? Refuse(access, StreamingMessages.SignInToWatch, 401) : new(access, StreamRole.Viewer, null, 200);
        }

        var facts = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new
        {
            Banned = db.Set<ChatBan>().Any(b => b.EntityId == ev.EntityId && b.UserId == userId),
            Ticket = db.Set<Ticket>().Any(t => t.EventId == ev.Id && t.UserId == userId && t.Status != TicketStatus.Refunded),
            Going = db.Set<Rsvp>().Any(r => r.EventId == ev.Id && r.UserId == userId && r.Status == RsvpStatus.Going),
        }).SingleOrDefaultAsync(ct);
        if (facts is null) return Refuse(access, StreamingMessages.SignInToWatch, 401);
        if (facts.Banned) return Refuse(access, StreamingMessages.Banned, 403);
        var admitted = ev.IsFree ? !ev.StreamRequiresSignIn || facts.Going : facts.Ticket;
        if (!admitted) return Refuse(access, ev.IsFree ? StreamingMessages.RsvpRequired : StreamingMessages.TicketRequired, 403);
        return new(access, await stage.IsOnStageAsync(ev.Id, userId, ct) ? StreamRole.Guest : StreamRole.Viewer, null, 200);
    }

    private static StreamDecision Refuse(EventAccessDecision access, string why, int status) => new(access, null, why, status);
}

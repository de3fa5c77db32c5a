using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>A raised hand or a guest on stage, as the studio lists them.</summary>
public sealed record StageSeatView(Guid UserId, string DisplayName, DateTimeOffset? HandRaisedAt, DateTimeOffset? InvitedAt)
{
    public bool OnStage => HandRaisedAt is not null && InvitedAt is not null;
}

/// <summary>What a stage action did: a refusal sentence, or a note (done, with something the host should know).</summary>
public sealed record StageOutcome(bool Done, string Message)
{
    public static StageOutcome Ok(string message) => new(true, message);
    public static StageOutcome Refused(string message) => new(false, message);
}

/// <summary>
/// Guests on an event's stage. A signed-in viewer raises a hand; the host invites; only when both are set does the
/// server grant publish, in LiveKit (UpdateParticipant with canPublish, for a guest already in the room) and in every
/// new token (<see cref="IsOnStageAsync"/>, which the token endpoint asks). Removing a guest clears both and revokes
/// publish. A signed invite link (<see cref="StageInvites"/>) sets both at once for the account it names.
/// Who may act as host is the caller's check (the studio's gate); this class checks the state of the seats.
/// </summary>
public sealed class StageService(ShowgeoDb db, TimeProvider clock, IOptions<LiveKitOptions> liveKit, LiveKitRoomService rooms,
    ILogger<StageService> log) : IStageMembership
{
    public const string NotOpenMessage = "The stage is open only while the event is live or about to start.";
    public const string NoHandMessage = "That viewer has not raised a hand, so they cannot be invited.";
    public const string NotInRoomMessage = "That viewer is not in the room right now, so they cannot be invited.";
    public const string NotOnStageMessage = "That viewer is not on stage.";

    public static bool StageOpen(EventPhase phase) => phase is EventPhase.Pre or EventPhase.Live;

    public async Task<bool> IsOnStageAsync(Guid eventId, Guid userId, CancellationToken ct) =>
        await db.Set<StageSeat>().AnyAsync(s => s.EventId == eventId && s.UserId == userId && s.HandRaisedAt != null && s.InvitedAt != null, ct);

    public async Task<StageSeatView?> SeatAsync(Guid eventId, Guid userId, CancellationToken ct) =>
        await db.Set<StageSeat>().AsNoTracking().Where(s => s.EventId == eventId && s.UserId == userId)
            .Select(s => new StageSeatView(s.UserId, s.DisplayName, s.HandRaisedAt, s.InvitedAt)).SingleOrDefaultAsync(ct);

    /// <summary>Raised hands and guests, hands first in the order they were raised.</summary>
    public async Task<IReadOnlyList<StageSeatView>> SeatsAsync(Guid eventId, CancellationToken ct) =>
        await db.Set<StageSeat>().AsNoTracking().Where(s => s.EventId == eventId && (s.HandRaisedAt != null || s.InvitedAt != null))
            .OrderBy(s => s.InvitedAt != null).ThenBy(s => s.HandRaisedAt).Take(200)
            .Select(s => new StageSeatView(s.UserId, s.DisplayName, s.HandRaisedAt, s.InvitedAt)).ToListAsync(ct);

    public async Task<StageOutcome> RaiseHandAsync(Event ev, Guid userId, string displayName, CancellationToken ct)
    {
        if (!StageOpen(ev.Phase)) return StageOutcome.Refused(NotOpenMessage);
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO stage_seats (event_id, user_id, display_name, hand_raised_at, updated_at)
            VALUES ({ev.Id}, {userId}, {Trim(displayName)}, {now}, {now})
            ON CONFLICT (event_id, user_id) DO UPDATE SET hand_raised_at = COALESCE(stage_seats.hand_raised_at, EXCLUDED.hand_raised_at),
                display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at
            """, ct);
        return StageOutcome.Ok("Your hand is raised. The host sees it and may invite you on stage.");
    }

    /// <summary>The viewer's own way off the stage queue (and off the stage).</summary>
    public async Task<StageOutcome> LowerHandAsync(Event ev, Guid userId, CancellationToken ct)
    {
        var wasOn = await IsOnStageAsync(ev.Id, userId, ct);
        await db.Set<StageSeat>().Where(s => s.EventId == ev.Id && s.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HandRaisedAt, (DateTimeOffset?)null).SetProperty(x => x.InvitedAt, (DateTimeOffset?)null)
                .SetProperty(x => x.UpdatedAt, clock.GetUtcNow()), ct);
        if (wasOn) await SetPublishAsync(ev, userId, false, ct);
        return StageOutcome.Ok("Your hand is lowered.");
    }

    public async Task<StageOutcome> InviteAsync(Event ev, Guid guestUserId, Guid hostUserId, CancellationToken ct)
    {
        if (!StageOpen(ev.Phase)) return StageOutcome.Refused(NotOpenMessage);
        var seat = await SeatAsync(ev.Id, guestUserId, ct);
        if (seat?.HandRaisedAt is null) return StageOutcome.Refused(NoHandMessage);
        if (!liveKit.Value.IsConfigured) return StageOutcome.Refused(StreamingMessages.NotConfigured);
        try
        {
            if (!await InRoomAsync(ev, guestUserId, ct)) return StageOutcome.Refused(NotInRoomMessage);
        }
        catch (LiveKitException e)
        {
            return StageOutcome.Refused($"LiveKit could not list the room, so nobody was invited ({e.Message}).");
        }
        var now = clock.GetUtcNow();
        var changed = await db.Set<StageSeat>().Where(s => s.EventId == ev.Id && s.UserId == guestUserId && s.HandRaisedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.InvitedAt, now).SetProperty(x => x.InvitedByUserId, hostUserId).SetProperty(x => x.UpdatedAt, now), ct);
        if (changed == 0) return StageOutcome.Refused(NoHandMessage);
        var note = await SetPublishAsync(ev, guestUserId, true, ct);
        return StageOutcome.Ok(note ?? $"{seat.DisplayName} is on stage.");
    }

    public async Task<StageOutcome> RemoveAsync(Event ev, Guid guestUserId, CancellationToken ct)
    {
        var seat = await SeatAsync(ev.Id, guestUserId, ct);
        if (seat is null || (seat.HandRaisedAt is null && seat.InvitedAt is null)) return StageOutcome.Refused(NotOnStageMessage);
        await db.Set<StageSeat>().Where(s => s.EventId == ev.Id && s.UserId == guestUserId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HandRaisedAt, (DateTimeOffset?)null).SetProperty(x => x.InvitedAt, (DateTimeOffset?)null)
                .SetProperty(x => x.UpdatedAt, clock.GetUtcNow()), ct);
        var note = seat.OnStage ? await SetPublishAsync(ev, guestUserId, false, ct) : null;
        return StageOutcome.Ok(note ?? (seat.OnStage ? $"{seat.DisplayName} has left the stage." : $"{seat.DisplayName}'s hand is lowered."));
    }

    /// <summary>Joins the stage through a signed invite, already checked by <see cref="StageInvites.Read"/>.</summary>
    public async Task<StageOutcome> JoinAsync(Event ev, StageInvite invite, Guid userId, string displayName, CancellationToken ct)
    {
        if (invite.EventId != ev.Id) return StageOutcome.Refused(StageInvites.OtherEventMessage);
        if (invite.UserId != userId) return StageOutcome.Refused(StageInvites.OtherAccountMessage);
        if (!StageOpen(ev.Phase)) return StageOutcome.Refused(NotOpenMessage);
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO stage_seats (event_id, user_id, display_name, hand_raised_at, invited_at, updated_at)
            VALUES ({ev.Id}, {userId}, {Trim(displayName)}, {now}, {now}, {now})
            ON CONFLICT (event_id, user_id) DO UPDATE SET hand_raised_at = EXCLUDED.hand_raised_at, invited_at = EXCLUDED.invited_at,
                display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at
            """, ct);
        var note = await SetPublishAsync(ev, userId, true, ct);
        return StageOutcome.Ok(note ?? "You are on stage: open the watch page and your camera goes live.");
    }

    /// <summary>
    /// Whether the viewer is connected to the event's room now (LiveKit's ListParticipants): an invite for someone who
    /// left would grant nothing until they return, so it is refused instead.
    /// </summary>
    private async Task<bool> InRoomAsync(Event ev, Guid userId, CancellationToken ct)
    {
        if (!liveKit.Value.IsConfigured) return false;
        var identity = userId.ToString();
        var people = await rooms.ListParticipantsAsync(StreamRooms.RoomName(ev), ct);
        return people.Any(p => p.Identity == identity);
    }

    /// <summary>
    /// Grants or revokes publish for a guest already in the room. The stage row is the truth: a guest who is not
    /// connected gets the grant with the next token, so a LiveKit error here is a note for the host, not a failure.
    /// </summary>
    private async Task<string?> SetPublishAsync(Event ev, Guid userId, bool publish, CancellationToken ct)
    {
        if (!liveKit.Value.IsConfigured) return null;
        var role = publish ? StreamRole.Guest : StreamRole.Viewer;
        try
        {
            await rooms.UpdateParticipantAsync(StreamRooms.RoomName(ev), userId.ToString(), ParticipantMetadata.For(role),
                new LiveKitPermission(CanSubscribe: true, CanPublish: publish, CanPublishData: true), ct);
            return null;
        }
        catch (LiveKitException e)
        {
            log.LogWarning(e, "Stage {Action} for {User} in {Event}: LiveKit answered {Code}", publish ? "grant" : "revoke", userId, ev.Id, e.Code);
            return e.Code == "not_found"
                ? (publish ? "Saved: the guest is not connected right now and gets publish when they rejoin." : "Saved: the guest has already left the room.")
                : $"Saved, but LiveKit could not update the guest's permission now ({e.Message}); it applies when they reconnect.";
        }
    }

    private static string Trim(string name) => name.Length <= 100 ? name : name[..100];
}

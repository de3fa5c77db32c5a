using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>The OBS ingress of one event, as the studio shows it.</summary>
public sealed record StreamIngressInfo(string Kind, string Url, string StreamKey);

/// <summary>
/// An event's OBS ingress: one RTMP (or WHIP) endpoint per event, stored on its <see cref="EventStream"/>. Callers
/// (the studio) check the manager first; this service only talks to LiveKit and keeps the row.
/// </summary>
public sealed class StreamIngress(IOptions<LiveKitOptions> options, LiveKitIngressService ingress, ShowgeoDb db, TimeProvider clock)
{
    public bool Available => options.Value.CanIngest;

    /// <summary>Why ingress is unavailable, or null when it is.</summary>
    public string? Unavailable => !options.Value.IsConfigured ? StreamingMessages.NotConfigured
        : !options.Value.CanIngest ? StreamingMessages.IngressNotConfigured : null;

    /// <summary>The event's current ingress, or null when none was made yet.</summary>
    public Task<StreamIngressInfo?> CurrentAsync(Guid eventId, CancellationToken ct) =>
        db.Set<EventStream>().AsNoTracking()
            .Where(s => s.EventId == eventId && s.IngressId != null && s.IngressUrl != null && s.IngressStreamKey != null)
            .Select(s => new StreamIngressInfo(s.IngressKind ?? "RTMP", s.IngressUrl!, s.IngressStreamKey!))
            .FirstOrDefaultAsync(ct);

    /// <summary>The event's ingress, made on first use.</summary>
    public async Task<StreamIngressInfo> EnsureAsync(Event ev, string hostIdentity, string hostName, LiveKitIngressInput input = LiveKitIngressInput.Rtmp, CancellationToken ct = default) =>
        await CurrentAsync(ev.Id, ct) ?? await CreateAsync(ev, hostIdentity, hostName, input, ct);

    /// <summary>A new URL and stream key: the old ingress is deleted first so its key stops working.</summary>
    public async Task<StreamIngressInfo> RegenerateAsync(Event ev, string hostIdentity, string hostName, LiveKitIngressInput input = LiveKitIngressInput.Rtmp, CancellationToken ct = default)
    {
        Require();
        var row = await db.StreamRowAsync(ev.Id, clock.GetUtcNow(), ct);
        if (row.IngressId is { } old)
        {
            try { await ingress.DeleteAsync(old, ct); }
            catch (LiveKitException ex) when (ex.Code == "not_found") { }
            row.IngressId = row.IngressUrl = row.IngressStreamKey = row.IngressKind = null;
            row.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return await CreateAsync(ev, hostIdentity, hostName, input, ct);
    }

    private async Task<StreamIngressInfo> CreateAsync(Event ev, string hostIdentity, string hostName, LiveKitIngressInput input, CancellationToken ct)
    {
        Require();
        // The ingress publishes as its own participant: not a viewer, and never the host's own identity (which would
        // kick the host's studio session out of the room).
        var made = await ingress.CreateAsync(input, StreamRooms.RoomName(ev), "ingress-" + hostIdentity, hostName, ct);
        var row = await db.StreamRowAsync(ev.Id, clock.GetUtcNow(), ct);
        row.IngressId = made.IngressId;
        row.IngressUrl = made.Url;
        row.IngressStreamKey = made.StreamKey;
        row.IngressKind = input == LiveKitIngressInput.Whip ? "WHIP" : "RTMP";
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new(row.IngressKind, made.Url, made.StreamKey);
    }

    private void Require()
    {
        if (Unavailable is { } why) throw new LiveKitException("not_configured", why);
    }
}

/// <summary>Starts and stops an event's recording (a room composite egress); egress_ended registers the replay.</summary>
public sealed class StreamRecordings(IOptions<LiveKitOptions> options, LiveKitEgressService egress, ShowgeoDb db, TimeProvider clock)
{
    public const string AlreadyRecording = "A recording is already running.";
    public const string NotRecording = "No recording is running.";
    public const string NotLive = "Recording is possible only while the event is live.";

    /// <summary>Why recording is unavailable on this server, or null when it is.</summary>
    public string? Unavailable => !options.Value.IsConfigured ? StreamingMessages.NotConfigured
        : !options.Value.CanRecord ? StreamingMessages.EgressNotConfigured : null;

    public Task<DateTimeOffset?> RunningSinceAsync(Guid eventId, CancellationToken ct) =>
        db.Set<EventStream>().AsNoTracking().Where(s => s.EventId == eventId && s.RecordingEgressId != null)
            .Select(s => s.RecordingStartedAt).FirstOrDefaultAsync(ct);

    /// <summary>Starts recording; null on success, otherwise the sentence to show.</summary>
    public async Task<string?> StartAsync(Guid eventId, EventPhase phase, CancellationToken ct)
    {
        if (Unavailable is { } why) return why;
        if (phase != EventPhase.Live) return NotLive;
        var row = await db.StreamRowAsync(eventId, clock.GetUtcNow(), ct);
        if (row.RecordingEgressId is not null) return AlreadyRecording;
        var started = await egress.StartRoomCompositeAsync(row.RoomName, ct);
        row.RecordingEgressId = started.EgressId;
        row.RecordingStartedAt = clock.GetUtcNow();
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Stops the running recording; null on success, otherwise the sentence to show.</summary>
    public async Task<string?> StopAsync(Guid eventId, CancellationToken ct)
    {
        if (Unavailable is { } why) return why;
        return await StopIfRunningAsync(eventId, ct) ? null : NotRecording;
    }

    /// <summary>Stops the recording if one runs; false when none did. An egress LiveKit no longer knows counts as stopped.</summary>
    public async Task<bool> StopIfRunningAsync(Guid eventId, CancellationToken ct)
    {
        if (!options.Value.CanRecord) return false;
        var row = await db.Set<EventStream>().SingleOrDefaultAsync(s => s.EventId == eventId, ct);
        if (row?.RecordingEgressId is not { } egressId) return false;
        try { await egress.StopAsync(egressId, ct); }
        catch (LiveKitException ex) when (ex.Code is "not_found" or "failed_precondition") { }
        row.RecordingEgressId = null;
        row.RecordingStartedAt = null;
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The link browsers fetch a finished file from: LiveKit's http(s) location, else the public base + file name.</summary>
    public string? ReplayUrlFor(LiveKitEgressFile file)
    {
        if (Uri.TryCreate(file.Location, UriKind.Absolute, out var loc) && loc.Scheme is "https" or "http") return loc.ToString();
        var baseUrl = options.Value.Egress.PublicBaseUrl;
        var name = file.Filename ?? file.Location;
        if (string.IsNullOrWhiteSpace(baseUrl) || string.IsNullOrWhiteSpace(name)) return null;
        return baseUrl.TrimEnd('/') + "/" + string.Join('/', name.TrimStart('/').Split('/').Select(Uri.EscapeDataString));
    }
}

/// <summary>Who is in an event's room, and removing someone from it (managers and admins; callers check).</summary>
public sealed class StreamParticipants(IOptions<LiveKitOptions> options, LiveKitRoomService rooms)
{
    public bool Available => options.Value.IsConfigured;

    public Task<IReadOnlyList<LiveKitParticipant>> ListAsync(Guid eventId, CancellationToken ct) =>
        rooms.ListParticipantsAsync(StreamRooms.RoomName(eventId), ct);

    public async Task<bool> RemoveAsync(Guid eventId, string identity, CancellationToken ct)
    {
        try
        {
            await rooms.RemoveParticipantAsync(StreamRooms.RoomName(eventId), identity, ct);
            return true;
        }
        catch (LiveKitException ex) when (ex.Code == "not_found")
        {
            return false;
        }
    }
}

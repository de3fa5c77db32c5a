using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// POST /webhooks/livekit (https://docs.livekit.io/home/server/webhooks/). LiveKit puts a bare JWT (no "Bearer ") in
/// <c>Authorization</c>, signed with our secret, whose <c>sha256</c> claim is base64(SHA-256 of the raw body). Checked
/// before anything is read: 401 when not. Then: not JSON or no id → 400; a room this app did not name, an event that
/// no longer exists, or an event kind we do not track → 200 without writing (LiveKit retries anything else, and a
/// retry cannot make an unknown room known); each event id is recorded once, so a replay is a 200 no-op.
/// </summary>
public static class LiveKitWebhookEndpoint
{
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>The kinds recorded; track_* and agent_* are acknowledged and dropped.</summary>
    public static readonly IReadOnlySet<string> Recorded = new HashSet<string>(StringComparer.Ordinal)
    {
        "room_started", "room_finished", "participant_joined", "participant_left", "participant_connection_aborted",
        "ingress_started", "ingress_ended", "egress_started", "egress_updated", "egress_ended",
    };

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<LiveKitOptions> options, LiveKitTokens tokens,
        StreamRecordings recordings, ShowgeoDb db, TimeProvider clock, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("Showgeo.Streaming.LiveKitWebhook");
        if (!options.Value.IsConfigured) return Results.Json(new { error = StreamingMessages.NotConfigured }, statusCode: 404);
        var ct = http.RequestAborted;

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return Results.Json(new { error = "body too large" }, statusCode: 413);
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
        }

        string authorization = http.Request.Headers.Authorization.ToString();
        var claims = tokens.Verify(authorization, out var problem);
        if (claims is null)
        {
            log.LogWarning("Rejected LiveKit webhook: {Problem}", problem);
            return Results.Json(new { error = "signature invalid" }, statusCode: 401);
        }
        var hash = Encoding.ASCII.GetBytes(Convert.ToBase64String(SHA256.HashData(body)));
        if (claims.Sha256 is null || !CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(claims.Sha256)))
        {
            log.LogWarning("Rejected LiveKit webhook: body hash does not match the token");
            return Results.Json(new { error = "signature invalid" }, statusCode: 401);
        }

        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException) { return Results.Json(new { error = "not a LiveKit webhook event" }, statusCode: 400); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Results.Json(new { error = "not a LiveKit webhook event" }, statusCode: 400);
            var id = TwirpJson.Str(root, "id");
            var kind = TwirpJson.Str(root, "event");
            if (string.IsNullOrWhiteSpace(id) || id.Length > 100 || string.IsNullOrWhiteSpace(kind))
                return Results.Json(new { error = "not a LiveKit webhook event" }, statusCode: 400);
            if (!Recorded.Contains(kind)) return Results.Ok(new { outcome = "ignored" });

            var room = RoomOf(root);
            if (StreamRooms.EventIdOf(room) is not { } eventId || !await db.Set<Event>().AnyAsync(e => e.Id == eventId, ct))
            {
                log.LogInformation("LiveKit webhook {Id} ({Kind}) for room {Room} ignored: not one of our events", id, kind, room);
                return Results.Ok(new { outcome = "ignored" });
            }
            var now = clock.GetUtcNow();
            var at = TwirpJson.Time(root, "createdAt") ?? now;
            var participant = TwirpJson.Prop(root, "participant") is { ValueKind: JsonValueKind.Object } p ? LiveKitParticipant.From(p) : null;

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var recorded = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO livekit_webhook_events (id, external_id, event, event_id, participant_identity, occurred_at, received_at)
                VALUES ({Guid.CreateVersion7()}, {id}, {kind}, {eventId}, {Cut(participant?.Identity, 200)}, {at}, {now})
                ON CONFLICT (external_id) DO NOTHING
                """, ct);
            if (recorded == 0) return Results.Ok(new { outcome = "duplicate" });
            await ApplyAsync(db, recordings, kind, eventId, root, participant, at, now, ct);
            await tx.CommitAsync(ct);
            return Results.Ok(new { outcome = "recorded" });
        }
    }

    private static async Task ApplyAsync(ShowgeoDb db, StreamRecordings recordings, string kind, Guid eventId, JsonElement root,
        LiveKitParticipant? participant, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        switch (kind)
        {
            case "room_started":
            {
                var row = await db.StreamRowAsync(eventId, now, ct);
                row.RoomStartedAt = at;
                row.RoomFinishedAt = null;
                row.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                break;
            }
            case "room_finished":
            {
                var row = await db.StreamRowAsync(eventId, now, ct);
                row.RoomFinishedAt = at;
                row.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                await db.Set<StreamViewerSession>().Where(s => s.EventId == eventId && s.LeftAt == null && s.JoinedAt <= at)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeftAt, at), ct);
                break;
            }
            case "participant_joined" when participant is { Sid.Length: > 0, Identity.Length: > 0 }:
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO stream_viewer_sessions (id, event_id, identity, participant_sid, role, joined_at, left_at)
                    VALUES ({Guid.CreateVersion7()}, {eventId}, {Cut(participant.Identity, 200)}, {Cut(participant.Sid, 100)},
                            {RoleOf(participant).ToString()}, {participant.JoinedAt ?? at}, NULL)
                    ON CONFLICT (event_id, participant_sid) DO NOTHING
                    """, ct);
                break;
            case "participant_left" or "participant_connection_aborted" when participant is { Sid.Length: > 0 }:
            {
                var sid = Cut(participant.Sid, 100);
                await db.Set<StreamViewerSession>().Where(s => s.EventId == eventId && s.ParticipantSid == sid && s.LeftAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeftAt, s => s.JoinedAt > at ? s.JoinedAt : at), ct);
                break;
            }
            case "egress_ended" when TwirpJson.Prop(root, "egressInfo") is { ValueKind: JsonValueKind.Object } info:
            {
                var egress = LiveKitEgress.From(info);
                var row = await db.StreamRowAsync(eventId, now, ct);
                if (row.RecordingEgressId == egress.EgressId)
                {
                    row.RecordingEgressId = null;
                    row.RecordingStartedAt = null;
                }
                var file = egress.Files.FirstOrDefault(f => recordings.ReplayUrlFor(f) is not null);
                if (file is not null && egress.Status is null or "EGRESS_COMPLETE")
                {
                    row.ReplayUrl = Cut(recordings.ReplayUrlFor(file), 2000);
                    row.ReplayDurationSeconds = file.Duration > TimeSpan.Zero ? (int)Math.Round(file.Duration.TotalSeconds) : null;
                }
                row.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                break;
            }
        }
    }

    /// <summary>
    /// Who a participant is for counting. Egress/ingress by LiveKit's kind (or our <c>ingress-</c> identity), hosts and
    /// guests by the role our token put in the metadata; a publisher whose metadata names no role counts as a host.
    /// </summary>
    public static StreamParticipantRole RoleOf(LiveKitParticipant p)
    {
        switch (p.Kind?.ToUpperInvariant())
        {
            case "EGRESS": return StreamParticipantRole.Egress;
            case "INGRESS": return StreamParticipantRole.Ingress;
            case "SIP" or "AGENT": return StreamParticipantRole.Other;
        }
        if (p.Identity.StartsWith("ingress-", StringComparison.Ordinal)) return StreamParticipantRole.Ingress;
        return ParticipantMetadata.RoleOf(p.Metadata) switch
        {
            StreamRole.Host => StreamParticipantRole.Host,
            StreamRole.Guest => StreamParticipantRole.Guest,
            StreamRole.Viewer => StreamParticipantRole.Viewer,
            _ => p.Permission?.CanPublish == true ? StreamParticipantRole.Host : StreamParticipantRole.Viewer,
        };
    }

    private static string? RoomOf(JsonElement root) =>
        (TwirpJson.Prop(root, "room") is { ValueKind: JsonValueKind.Object } room ? TwirpJson.Str(room, "name") : null)
        ?? (TwirpJson.Prop(root, "egressInfo") is { ValueKind: JsonValueKind.Object } eg ? TwirpJson.Str(eg, "roomName") : null)
        ?? (TwirpJson.Prop(root, "ingressInfo") is { ValueKind: JsonValueKind.Object } ing ? TwirpJson.Str(ing, "roomName") : null);

    private static string? Cut(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

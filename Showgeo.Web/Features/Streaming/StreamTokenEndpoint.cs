using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Streaming;

/// <summary>What the watch and studio pages get back from the token endpoint.</summary>
public sealed record StreamTokenResponse(string Url, string Token, string Identity, string Name, string Role, string Room, DateTimeOffset ExpiresAt);

/// <summary>
/// POST /events/{slug}/stream/token: a LiveKit token for the caller, made only after <see cref="StreamAccess"/> said
/// yes. Antiforgery is checked (header <c>RequestVerificationToken</c> or the form field). Refusals are
/// <c>{"error": "…"}</c> with 400 (antiforgery), 401, 403, 404, 409 (not Pre/Live) or 503 (LiveKit not configured).
/// </summary>
public static class StreamTokenEndpoint
{
    public const string AnonymousPrefix = "anon-";
    public const string AnonymousName = "Viewer";

    public static async Task<IResult> HandleAsync(string slug, HttpContext http, IAntiforgery antiforgery, IOptions<LiveKitOptions> options,
        StreamAccess access, LiveKitTokens tokens, ShowgeoDb db, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        if (!await antiforgery.IsRequestValidAsync(http))
            return Results.Json(new { error = "The request could not be verified. Reload the page and try again." }, statusCode: 400);
        var o = options.Value;
        if (!o.IsConfigured) return Results.Json(new { error = StreamingMessages.NotConfigured }, statusCode: 503);
        var decision = await access.DecideAsync(slug, http.User, ct);
        if (decision is null) return Results.Json(new { error = Events.EventAccess.NotFoundMessage }, statusCode: 404);
        if (decision.Role is not { } role) return Results.Json(new { error = decision.Refusal }, statusCode: decision.RefusalStatus);

        string identity, name;
        if (decision.Event.UserId is { } userId)
        {
            identity = userId.ToString();
            name = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? AnonymousName;
        }
        else
        {
            identity = AnonymousPrefix + Guid.NewGuid().ToString("N")[..16];
            name = AnonymousName;
        }
        var room = StreamRooms.RoomName(decision.Event.Event);
        var ttl = tokens.LifetimeFor(role);
        var token = tokens.Issue(identity, name, room, role, ttl, ParticipantMetadata.For(role));
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new StreamTokenResponse(o.Url!, token, identity, name, role.ToString().ToLowerInvariant(), room,
            clock.GetUtcNow() + ttl), JsonSerializerOptions.Web);
    }
}

/// <summary>
/// The participant metadata this app puts in tokens: <c>{"role":"viewer|guest|host"}</c>. LiveKit echoes it in
/// participant webhooks, which is how analytics tell viewers from the people on stage.
/// </summary>
public static class ParticipantMetadata
{
    public static string For(StreamRole role) => JsonSerializer.Serialize(new { role = role.ToString().ToLowerInvariant() });

    /// <summary>The role a participant's metadata names, or null when it names none (metadata changed, another app's token).</summary>
    public static StreamRole? RoleOf(string? metadata)
    {
        if (string.IsNullOrWhiteSpace(metadata)) return null;
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("role", out var r)
                && r.ValueKind == JsonValueKind.String && Enum.TryParse<StreamRole>(r.GetString(), ignoreCase: true, out var role)
                && Enum.IsDefined(role) && !char.IsDigit(r.GetString()![0]) ? role : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

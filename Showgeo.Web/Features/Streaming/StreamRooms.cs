using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Streaming;

/// <summary>The one rule for an event's LiveKit room name.</summary>
public static class StreamRooms
{
    private const string Prefix = "event-";

    public static string RoomName(Event ev) => RoomName(ev.Id);

    public static string RoomName(Guid eventId) => Prefix + eventId.ToString("N");

    /// <summary>The event a room name belongs to, or null for a room this app did not name.</summary>
    public static Guid? EventIdOf(string? room) =>
        room is { Length: 38 } && room.StartsWith(Prefix, StringComparison.Ordinal)
        && Guid.TryParseExact(room.AsSpan(Prefix.Length), "N", out var id) ? id : null;
}

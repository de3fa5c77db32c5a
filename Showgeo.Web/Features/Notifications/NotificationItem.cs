namespace Showgeo.Web.Features.Notifications;

/// <summary>One inbox row; <see cref="Before"/> is the page it sits on, so a plain "Mark read" comes back to it.</summary>
public sealed record NotificationItem(NotificationView Notification, string? Before);

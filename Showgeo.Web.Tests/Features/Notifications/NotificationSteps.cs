using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Notifications;

/// <summary>What the notification tests do over and over: move an event's phase as its manager, read an inbox.</summary>
internal static class NotificationSteps
{
    public static async Task MoveAsync(this ShowgeoApp app, Event ev, EventPhase from, EventPhase to, AppUser manager, string? note = null)
    {
        var result = await app.WithScopeAsync(sp => sp.GetRequiredService<EventLifecycle>()
            .ChangeAsync(ev.Id, from, to, Arrange.Principal(manager.Id), note, CancellationToken.None));
        Assert.True(result.Succeeded, result.Error);
    }

    /// <summary>The notices <paramref name="userId"/> sees (first inbox page), computed as the inbox computes them.</summary>
    public static Task<InboxPage> InboxAsync(this ShowgeoApp app, Guid userId, long? olderThan = null) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<NotificationInbox>().PageAsync(userId, olderThan, CancellationToken.None));

    public static Task<int> UnreadAsync(this ShowgeoApp app, Guid userId) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<NotificationInbox>().UnreadCountAsync(userId, CancellationToken.None));

    /// <summary>Waits for the outbox to deliver: until the notice with <paramref name="sourceKey"/> is stored.</summary>
    public static async Task<Notification> StoredAsync(this ShowgeoApp app, string sourceKey) =>
        await Eventually.ValueAsync(async () =>
        {
            await using var db = app.CreateDb();
            return await db.Set<Notification>().AsNoTracking().SingleOrDefaultAsync(n => n.SourceKey == sourceKey);
        }, n => n is not null, $"notification {sourceKey}") ?? throw new InvalidOperationException();

    public static async Task<int> RowsAsync(this ShowgeoApp app, Func<IQueryable<Notification>, IQueryable<Notification>> filter)
    {
        await using var db = app.CreateDb();
        return await filter(db.Set<Notification>()).CountAsync();
    }

    public static async Task MuteAsync(this ShowgeoApp app, Guid userId, params string[] kinds)
    {
        await using var db = app.CreateDb();
        db.Add(new NotificationSettings { UserId = userId, MutedKinds = kinds, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Memberships;

/// <summary>A direct notice to the fan when a membership starts or ends; one per membership and change (its source key).</summary>
public sealed class TellFanAboutMembership(ShowgeoDb db, NotificationWriter writer, LinkGenerator links)
    : IDomainEventHandler<MembershipStarted>, IDomainEventHandler<MembershipEnded>
{
    public async Task HandleAsync(MembershipStarted started, DomainEventContext context, CancellationToken ct)
    {
        var entity = await EntityNameAsync(started.EntityId, ct);
        await writer.WriteAsync(new NewNotification(NotificationKind.Membership, $"membership-started:{started.MembershipId}",
            $"You are a {started.TierName} member of {entity}",
            $"Thank you for your support. Your membership renews on {started.AccessUntil.UtcDateTime:d MMM yyyy}.",
            links.GetPathByPage("/Memberships/Mine"))
        { UserId = started.UserId }, ct);
    }

    public async Task HandleAsync(MembershipEnded ended, DomainEventContext context, CancellationToken ct)
    {
        var entity = await EntityNameAsync(ended.EntityId, ct);
        await writer.WriteAsync(new NewNotification(NotificationKind.Membership, $"membership-ended:{ended.MembershipId}",
            $"Your membership of {entity} has ended", "You can join again from their page at any time.",
            links.GetPathByPage("/Memberships/Mine"))
        { UserId = ended.UserId }, ct);
    }

    private async Task<string> EntityNameAsync(Guid entityId, CancellationToken ct) =>
        await db.Set<Entity>().AsNoTracking().Where(e => e.Id == entityId).Select(e => e.Name).SingleOrDefaultAsync(ct) ?? "an entity";
}

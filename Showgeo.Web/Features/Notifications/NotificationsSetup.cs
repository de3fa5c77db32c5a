using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Infrastructure.Live;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Notifications;

public static class NotificationsSetup
{
    public static WebApplicationBuilder AddShowgeoNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<NotificationWriter>();
        services.AddScoped<NotificationInbox>();
        services.AddScoped<EntityBroadcaster>();
        services.AddScoped<NotificationHeader>();
        services.AddLiveFeed<NotificationFeed>();
        services.AddDomainEventHandler<EventPublished, NewEventNotice>();
        // The notice first: the email handler mails what it stored.
        services.AddDomainEventHandler<EventPhaseChanged, PhaseChangeNotice>();
        services.AddDomainEventHandler<EventPhaseChanged, NoticeEmails>();
        services.AddDomainEventHandler<ProductDropped, NewDropNotice>();
        services.AddDomainEventHandler<PostPublished, NewPostNotice>();
        services.AddDomainEventHandler<OrderPaid, TicketPurchaseNotice>();
        services.AddDomainEventHandler<OrderRefunded, RefundNotice>();
        services.AddDomainEventHandler<EntityRoleGranted, RoleGrantedNotice>();
        return builder;
    }
}

using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Tickets;

/// <summary>Wires ticketing: tickets as an order kind of Payments, check-in, the wallet and the refunds that follow a
/// cancelled event.</summary>
public static class TicketingSetup
{
    public static WebApplicationBuilder AddShowgeoTicketing(this WebApplicationBuilder builder)
    {
        var tickets = builder.Configuration.GetSection(TicketingOptions.Section).Get<TicketingOptions>() ?? new();
        tickets.Validate(builder.Environment);
        builder.Services.AddSingleton(Options.Create(tickets));

        builder.Services.AddSingleton<TicketCodes>();
        builder.Services.AddOrderKind<TicketOrderKind>();
        builder.Services.AddScoped<TicketInventory>();
        builder.Services.AddSingleton<SoldOutShelf>();
        builder.Services.AddSingleton<HoldAdmission>();
        builder.Services.AddScoped<TicketQueries>();
        builder.Services.AddScoped<CheckInDesk>();
        builder.Services.AddScoped<IEventMoneyCheck, TicketMoneyCheck>();
        builder.Services.AddDomainEventHandler<EventCancelled, RefundCancelledEventOrders>();
        return builder;
    }
}

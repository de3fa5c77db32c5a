namespace Showgeo.Web.Features.Tickets;

/// <summary>Wires the Ticketing feature: services here, endpoints in Map...</summary>
public static class TicketingSetup
{
    public static WebApplicationBuilder AddShowgeoTicketing(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoTicketing(this WebApplication app)
    {
        return app;
    }
}

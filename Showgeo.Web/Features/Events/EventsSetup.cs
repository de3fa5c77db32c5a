namespace Showgeo.Web.Features.Events;

/// <summary>Wires the Events feature: services here, endpoints in Map...</summary>
public static class EventsSetup
{
    public static WebApplicationBuilder AddShowgeoEvents(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoEvents(this WebApplication app)
    {
        return app;
    }
}

namespace Showgeo.Web.Features.Tours;

/// <summary>Wires the Tours feature: services here, endpoints in Map...</summary>
public static class ToursSetup
{
    public static WebApplicationBuilder AddShowgeoTours(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoTours(this WebApplication app)
    {
        return app;
    }
}

namespace Showgeo.Web.Features.Discovery;

/// <summary>Wires the Discovery feature: services here, endpoints in Map...</summary>
public static class DiscoverySetup
{
    public static WebApplicationBuilder AddShowgeoDiscovery(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoDiscovery(this WebApplication app)
    {
        return app;
    }
}

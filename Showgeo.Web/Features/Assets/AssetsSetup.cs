namespace Showgeo.Web.Features.Assets;

/// <summary>Wires the Assets feature: services here, endpoints in Map...</summary>
public static class AssetsSetup
{
    public static WebApplicationBuilder AddShowgeoAssets(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoAssets(this WebApplication app)
    {
        return app;
    }
}

namespace Showgeo.Web.Features.Follow;

/// <summary>Wires the Follow feature: services here, endpoints in Map...</summary>
public static class FollowSetup
{
    public static WebApplicationBuilder AddShowgeoFollow(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoFollow(this WebApplication app)
    {
        return app;
    }
}

namespace Showgeo.Web.Features.Follow;

/// <summary>Wires the Follow feature: services here, endpoints in Map...</summary>
public static class FollowSetup
{
    public static WebApplicationBuilder AddShowgeoFollow(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ViewerFollows>();
        builder.Services.AddScoped<FollowWriter>();
        return builder;
    }

    public static WebApplication MapShowgeoFollow(this WebApplication app)
    {
        return app;
    }
}

namespace Showgeo.Web.Features.Users;

/// <summary>Wires the Users feature: services here, endpoints in Map...</summary>
public static class UsersSetup
{
    public static WebApplicationBuilder AddShowgeoUsers(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapShowgeoUsers(this WebApplication app)
    {
        return app;
    }
}

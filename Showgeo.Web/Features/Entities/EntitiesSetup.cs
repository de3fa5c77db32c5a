namespace Showgeo.Web.Features.Entities;

/// <summary>Wires the Entities feature: services here, endpoints in Map...</summary>
public static class EntitiesSetup
{
    public static WebApplicationBuilder AddShowgeoEntities(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<EntityAccess>();
        return builder;
    }

    public static WebApplication MapShowgeoEntities(this WebApplication app)
    {
        return app;
    }
}

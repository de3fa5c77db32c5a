namespace Showgeo.Web.Features.Follow;

/// <summary>Wires the Follow feature: the viewer's follows and the writer that keeps follower counts exact.</summary>
public static class FollowSetup
{
    public static WebApplicationBuilder AddShowgeoFollow(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ViewerFollows>();
        builder.Services.AddScoped<FollowWriter>();
        return builder;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// The streaming pages' services: the stage (which is also the token endpoint's <see cref="IStageMembership"/>),
/// signed stage invites and premieres. Registered after <see cref="StreamingSetup.AddShowgeoStreaming"/> or before it:
/// the stage replaces the "nobody on stage" default either way.
/// </summary>
public static class StreamPagesSetup
{
    public static WebApplicationBuilder AddShowgeoStreamPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<StageService>();
        builder.Services.Replace(ServiceDescriptor.Scoped<IStageMembership>(sp => sp.GetRequiredService<StageService>()));
        builder.Services.AddSingleton<StageInvites>();
        builder.Services.AddScoped<Premieres>();
        return builder;
    }

    /// <summary>The token endpoint stream-core maps (<see cref="StreamingSetup.MapShowgeoStreaming"/>), for the pages' scripts.</summary>
    public static string TokenUrl(string eventSlug) => $"/events/{Uri.EscapeDataString(eventSlug)}/stream/token";
}

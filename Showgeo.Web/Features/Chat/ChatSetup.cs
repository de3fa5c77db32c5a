using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Features.Chat;

/// <summary>Wires event chat: the room service, its reads, the renderer the live stream uses, and the room feed.</summary>
public static class ChatSetup
{
    public static WebApplicationBuilder AddShowgeoChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ChatService>();
        builder.Services.AddScoped<ChatQueries>();
        builder.Services.AddLiveFeed<ChatFeed>();
        return builder;
    }
}

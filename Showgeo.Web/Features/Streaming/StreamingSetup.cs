using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// Wires live streaming over LiveKit: options (validated at startup), tokens, the Twirp clients, the stream's access
/// rule, ingress, recordings, analytics, the room lifecycle handler, the token endpoint and the webhook. Without
/// LiveKit settings everything is registered and each service answers "not configured".
/// </summary>
public static class StreamingSetup
{
    public static WebApplicationBuilder AddShowgeoStreaming(this WebApplicationBuilder builder)
    {
        var livekit = builder.Configuration.GetSection(LiveKitOptions.Section).Get<LiveKitOptions>() ?? new();
        livekit.Validate();
        builder.Services.AddSingleton(Options.Create(livekit));
        builder.Services.AddSingleton<LiveKitTokens>();
        var timeout = TimeSpan.FromSeconds(livekit.TimeoutSeconds + 5);
        // Each call has its own deadline (LiveKitOptions.TimeoutSeconds); the client's timeout is only a backstop.
        builder.Services.AddHttpClient<LiveKitRoomService>(c => c.Timeout = timeout);
        builder.Services.AddHttpClient<LiveKitIngressService>(c => c.Timeout = timeout);
        builder.Services.AddHttpClient<LiveKitEgressService>(c => c.Timeout = timeout);
        builder.Services.TryAddScoped<IStageMembership, NoStage>();
        builder.Services.AddScoped<StreamAccess>();
        builder.Services.AddScoped<StreamIngress>();
        builder.Services.AddScoped<StreamRecordings>();
        builder.Services.AddScoped<StreamParticipants>();
        builder.Services.AddScoped<StreamAnalytics>();
        builder.Services.AddDomainEventHandler<EventPhaseChanged, StreamRoomLifecycle>();
        // Signed in to reach it; the handler then checks RunEvents on the event's entity (ManagedEventGate).
        builder.Services.Configure<RazorPagesOptions>(o => o.Conventions.AuthorizePage("/Streaming/ManageStream"));
        return builder;
    }

    public static WebApplication MapShowgeoStreaming(this WebApplication app)
    {
        app.MapPost("/events/{slug}/stream/token", StreamTokenEndpoint.HandleAsync).DisableAntiforgery();
        // Signed by LiveKit instead of carrying an antiforgery token.
        app.MapPost("/webhooks/livekit", LiveKitWebhookEndpoint.HandleAsync).DisableAntiforgery();
        return app;
    }
}

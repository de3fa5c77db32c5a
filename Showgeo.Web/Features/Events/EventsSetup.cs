using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Showgeo.Web.Features.Events;

/// <summary>Wires the Events feature: geo options, lifecycle, editor, RSVPs, the event access rule and the event gate.</summary>
public static class EventsSetup
{
    public static WebApplicationBuilder AddShowgeoEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.Configure<GeoOptions>(builder.Configuration.GetSection(GeoOptions.Section));
        builder.Services.AddScoped<ViewerCountry>();
        builder.Services.AddScoped<EventAccess>();
        builder.Services.AddScoped<EventLifecycle>();
        builder.Services.AddScoped<EventEditor>();
        builder.Services.AddScoped<ManagedEventGate>();
        builder.Services.AddScoped<Rsvps>();
        // Every manager page needs a signed-in user; each handler then checks RunEvents on the specific entity.
        builder.Services.Configure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Events/Manage"));
        return builder;
    }
}

using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Account;

namespace Showgeo.Web.Features.Entities;

/// <summary>Wires the Entities feature: access checks, the back-office gate, and sign-in for the back-office folders.</summary>
public static class EntitiesSetup
{
    public static WebApplicationBuilder AddShowgeoEntities(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<EntityAccess>();
        builder.Services.AddScoped<ManagedEntityGate>();
        // Sign-in is declared here for every back-office folder; each handler then asks EntityAccess about *this* entity.
        builder.Services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Entities/Manage");
            o.Conventions.AuthorizeFolder("/Tours/Manage");
            // The Admin feature has no setup of its own; its moderation pages are entity moderation.
            o.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
        });
        return builder;
    }
}

using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Tests.Features.Events;

/// <summary>Addresses of the event back-office pages the event tests open.</summary>
internal static class EventPages
{
    public static string EditUrl(Entity entity, Event e) => $"/manage/{entity.Slug}/events/{e.Id}/edit";
}

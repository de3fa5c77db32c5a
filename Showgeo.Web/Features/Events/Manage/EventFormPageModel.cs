using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Events.Manage;

/// <summary>What the create and edit pages share so both can render <c>_EventForm</c>.</summary>
public abstract class EventFormPageModel : PageModel
{
    [BindProperty] public EventInput Input { get; set; } = new();
    public ManagedEntity Entity { get; protected set; } = null!;
    public List<TourOption> Tours { get; protected set; } = [];
    public List<TierOption> Tiers { get; protected set; } = [];
    public abstract string FormUrl { get; }
    public abstract string SubmitLabel { get; }
}

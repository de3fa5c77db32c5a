using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>A page handler as Razor Pages sees it: the page, the method, its verb, route and what it binds.</summary>
public sealed record PageHandler(string Key, string Page, string Method, string? HandlerName, string Template,
    Type ModelType, MethodInfo? MethodInfo, IReadOnlyList<BoundValue> Binds);

/// <summary>A value a handler takes from the request: a handler parameter or a [BindProperty] (with its model name).</summary>
public sealed record BoundValue(string Name, Type Type, bool FromRoute, bool SupportsGet);

public static class PageHandlers
{
    /// <summary>
    /// Every handler of every page in the running app, named "Events/Manage/Edit:OnPostPhase" (the page's path under
    /// Features and the method without "Async"). A page without handler methods answers GET as "Page:OnGet". The pages
    /// are loaded through Razor Pages' own <see cref="PageLoader"/>, so the handler list is the one the router uses.
    /// </summary>
    public static async Task<IReadOnlyList<PageHandler>> DiscoverAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var pages = services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<PageActionDescriptor>()
            .GroupBy(d => d.ViewEnginePath);
        var found = new List<PageHandler>();
        foreach (var page in pages)
        {
            var descriptor = page.OrderBy(d => d.AttributeRouteInfo?.Template?.Length ?? 0).First();
            var template = "/" + (descriptor.AttributeRouteInfo?.Template ?? "");
            var compiled = await loader.LoadAsync(descriptor, EndpointMetadataCollection.Empty);
            var name = page.Key.TrimStart('/');
            var properties = compiled.BoundProperties.OfType<PageBoundPropertyDescriptor>()
                .Select(p => new BoundValue(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType, false,
                    p.Property.GetCustomAttribute<Microsoft.AspNetCore.Mvc.BindPropertyAttribute>()?.SupportsGet == true))
                .ToList();
            if (compiled.HandlerMethods.Count == 0)
            {
                found.Add(new(name + ":OnGet", name, "GET", null, template, compiled.ModelTypeInfo?.AsType() ?? compiled.PageTypeInfo.AsType(), null, properties));
                continue;
            }
            foreach (var h in compiled.HandlerMethods)
            {
                var method = h.MethodInfo.Name.EndsWith("Async", StringComparison.Ordinal) ? h.MethodInfo.Name[..^5] : h.MethodInfo.Name;
                var routeNames = descriptor.AttributeRouteInfo?.Template ?? "";
                var binds = h.Parameters.Where(p => p.ParameterType != typeof(CancellationToken))
                    .Select(p => new BoundValue(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType,
                        routeNames.Contains("{" + p.Name, StringComparison.OrdinalIgnoreCase), true))
                    .Concat(properties).ToList();
                found.Add(new($"{name}:{method}", name, h.HttpMethod.ToUpperInvariant(), h.Name, template,
                    compiled.ModelTypeInfo!.AsType(), h.MethodInfo, binds));
            }
        }
        return found.OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>What to paste into <see cref="PageHandlerCatalog.All"/> for a handler that has no case yet.</summary>
    public static string Suggestion(PageHandler h)
    {
        var url = h.Template;
        foreach (var (route, world) in new[] { ("slug", "Slug"), ("eventId", "EventId"), ("tourSlug", "TourSlug"), ("orderId", "PaidOrderId"), ("entityId", "EntityId"), ("handle", "TargetHandle") })
            url = System.Text.RegularExpressions.Regex.Replace(url, "\\{" + route + "(:[^}]*)?\\}", "{w." + world + "}");
        url = System.Text.RegularExpressions.Regex.Replace(url, "\\{(\\w+)(:[^}]*)?\\??\\}", "{w./* add $1 to World */}");
        if (h.HandlerName is not null) url += (url.Contains('?') ? "&" : "?") + "handler=" + h.HandlerName;
        var form = h.Method == "POST" && h.Binds.Any(b => !b.FromRoute)
            ? ", form: w => F(" + string.Join(", ", h.Binds.Where(b => !b.FromRoute).Select(b => $"(\"{b.Name}\", /* a valid {b.Type.Name} */)")) + ")"
            : "";
        var verb = h.Method == "POST" ? "Post" : "Get";
        return $"    {verb}(\"{h.Key}\", w => $\"{url}\", /* Members(Owner, Manager) | SignedIn | AdminOnly | Buyer | Everyone(Outcome.Allowed) */{form})"
               + (h.Method == "POST" ? " with { Foreign = /* entity B's resource, if it takes an id */ }" : "") + ",";
    }
}

// The Htmx package's Request.IsHtmx()/IsHtmxBoosted()/IsHtmxHistoryRestoreRequest() and Response.Htmx(h => …) are
// plumbing every page may use, like the framework's own extensions.
global using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// The one place that decides between an htmx fragment and a whole page or redirect, on top of the Htmx package's
/// request checks and response headers (https://github.com/khalidabuhakmeh/Htmx.Net).
/// </summary>
public static class HtmxPages
{
    /// <summary>A fragment is wanted only by a non-boosted htmx request that is not restoring history.</summary>
    public static bool WantsFragment(this HttpRequest request) =>
        // REVIEW: the package reads HX-Boosted and HX-History-Restore-Request with Convert.ChangeType, so a hand-made
        // request with a value other than true/false ends in a 500; htmx itself only ever sends "true".
        request.IsHtmxNonBoosted() && !request.IsHtmxHistoryRestoreRequest();

    /// <summary>
    /// Returns the named partial for a non-boosted htmx request, otherwise the whole page. Always varies on HX-Request
    /// so caches never hand a fragment to a full navigation.
    /// </summary>
    public static IActionResult PageOrPartial(this PageModel page, string partialName, object? model = null)
    {
        VaryOnHtmx(page.Response);
        if (page.Request.WantsFragment())
            return page.Partial(partialName, model ?? page);
        return page.Page();
    }

    /// <summary>
    /// After a successful POST that updates one region of a page: htmx gets the region's partial back to swap in,
    /// a plain form gets a redirect (PRG) with <paramref name="flash"/>, if any, shown on the next page.
    /// </summary>
    public static IActionResult FragmentOrRedirect(this PageModel page, string partialName, string url, string? flash, object? model = null)
    {
        VaryOnHtmx(page.Response);
        if (page.Request.WantsFragment())
            return page.Partial(partialName, model ?? page);
        if (flash is not null) page.TempData["Flash"] = flash;
        return page.LocalRedirect(url);
    }

    /// <summary>
    /// After a successful POST: a redirect for plain forms (PRG); for htmx an HX-Redirect with status 200, because
    /// htmx does not act on the headers of a 3xx (https://htmx.org/reference/#response_headers).
    /// </summary>
    public static IActionResult RedirectAfterPost(this PageModel page, string url)
    {
        VaryOnHtmx(page.Response);
        if (page.Request.IsHtmx())
        {
            page.Response.Htmx(h => h.Redirect(url));
            return new OkResult();
        }
        return page.LocalRedirect(url);
    }

    /// <summary>
    /// The package's <c>WithVary()</c> appends on every call; pages reach this from both a helper and
    /// <see cref="VaryOnHtmxFilter"/>, so it is added only once.
    /// </summary>
    internal static void VaryOnHtmx(HttpResponse response)
    {
        var varies = response.Headers.Vary.Any(v => v is not null && v.Split(',')
            .Any(h => h.Trim().Equals(HtmxRequestHeaders.Keys.Request, StringComparison.OrdinalIgnoreCase)));
        if (!varies) response.Htmx(h => h.WithVary());
    }
}

/// <summary>
/// Every page can answer htmx differently (fragment, HX-Redirect), including handlers that never call
/// <see cref="HtmxPages.PageOrPartial"/>, such as a plain <c>OnGet</c>; so every page response varies on HX-Request.
/// </summary>
public sealed class VaryOnHtmxFilter : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context) => HtmxPages.VaryOnHtmx(context.HttpContext.Response);

    public void OnResultExecuted(ResultExecutedContext context) { }
}

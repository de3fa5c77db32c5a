using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// The only place that knows htmx's header names. Pages ask <see cref="PageOrPartial"/> what to render and use the
/// <c>Hx*</c> extensions to steer the client.
/// </summary>
public static class Htmx
{
    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";

    public static bool IsBoosted(this HttpRequest request) => request.Headers["HX-Boosted"] == "true";

    public static bool IsHistoryRestore(this HttpRequest request) => request.Headers["HX-History-Restore-Request"] == "true";

    /// <summary>A fragment is wanted only by a non-boosted htmx request that is not restoring history.</summary>
    public static bool WantsFragment(this HttpRequest request) =>
        request.IsHtmx() && !request.IsBoosted() && !request.IsHistoryRestore();

    /// <summary>
    /// Returns the named partial for a non-boosted htmx request, otherwise the whole page. Always varies on HX-Request
    /// so caches never hand a fragment to a full navigation.
    /// </summary>
    public static IActionResult PageOrPartial(this PageModel page, string partialName, object? model = null)
    {
        page.Response.VaryOnHtmx();
        if (page.Request.WantsFragment())
            return page.Partial(partialName, model ?? page);
        return page.Page();
    }

    /// <summary>
    /// After a successful POST that updates one region of a page: htmx gets the region's partial back to swap in
    /// (the partial shows its own confirmation); anything else gets <see cref="RedirectAfterPost"/> with
    /// <paramref name="flash"/> shown on the next page.
    /// </summary>
    public static IActionResult FragmentOrRedirect(this PageModel page, string partialName, string url, string? flash = null, object? model = null)
    {
        page.Response.VaryOnHtmx();
        if (page.Request.WantsFragment())
            return page.Partial(partialName, model ?? page);
        return page.RedirectAfterPost(url, flash);
    }

    /// <summary>
    /// After a successful POST: a redirect for plain forms (PRG), an HX-Redirect with 200 for htmx (htmx ignores
    /// headers on a 3xx). <paramref name="flash"/>, when given, is shown once on the page redirected to.
    /// </summary>
    public static IActionResult RedirectAfterPost(this PageModel page, string url, string? flash = null)
    {
        if (flash is not null) page.TempData[Flash.Key] = flash;
        if (page.Request.IsHtmx())
        {
            page.Response.HxRedirect(url);
            return new OkResult();
        }
        return page.LocalRedirect(url);
    }

    /// <summary>Adds <c>Vary: HX-Request</c> once, so a cache never serves a fragment to a full navigation.</summary>
    public static void VaryOnHtmx(this HttpResponse response)
    {
        var vary = response.Headers.Vary;
        if (!vary.Any(v => v is not null && v.Split(',').Any(h => h.Trim().Equals("HX-Request", StringComparison.OrdinalIgnoreCase))))
            response.Headers.Append("Vary", "HX-Request");
    }

    public static void HxRedirect(this HttpResponse response, string url) => response.Headers["HX-Redirect"] = url;
}

/// <summary>
/// Every page can answer htmx differently (fragment, HX-Redirect), including handlers that never call
/// <see cref="Htmx.PageOrPartial"/>, such as a plain <c>OnGet</c>; so every page response varies on HX-Request.
/// </summary>
public sealed class VaryOnHtmxFilter : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context) => context.HttpContext.Response.VaryOnHtmx();

    public void OnResultExecuted(ResultExecutedContext context) { }
}

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
    public static bool WantsFragment(this HttpRequest request)
    {
        try
        {
            return request.IsHtmxNonBoosted() && !request.IsHtmxHistoryRestoreRequest();
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException)
        {
            // The package converts HX-Boosted and HX-History-Restore-Request with Convert.ChangeType, which throws on a
            // hand-made value other than true/false (htmx only ever sends "true"): answer such a request with the page.
            return false;
        }
    }

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
    /// After a successful POST that updates one region of a page: htmx gets the region's partial back to swap in
    /// (the partial shows its own confirmation); anything else gets <see cref="RedirectAfterPost"/> with
    /// <paramref name="flash"/> shown on the next page.
    /// </summary>
    public static IActionResult FragmentOrRedirect(this PageModel page, string partialName, string url, string? flash = null, object? model = null)
    {
        VaryOnHtmx(page.Response);
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
        VaryOnHtmx(page.Response);
        if (flash is not null) page.TempData[Flash.Key] = flash;
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

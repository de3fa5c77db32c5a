using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Showgeo.Web.Infrastructure;

public static class FragmentOrRedirectExtensions
{
    /// <summary>
    /// After a successful POST that updates one region of a page: htmx gets the region's partial back to swap in,
    /// a plain form gets a redirect (PRG) with <paramref name="flash"/> shown on the next page.
    /// </summary>
    public static IActionResult FragmentOrRedirect(this PageModel page, string partialName, string url, string flash, object? model = null)
    {
        page.Response.Headers.Append("Vary", "HX-Request");
        if (page.Request.WantsFragment())
            return page.Partial(partialName, model ?? page);
        page.TempData["Flash"] = flash;
        return page.LocalRedirect(url);
    }
}

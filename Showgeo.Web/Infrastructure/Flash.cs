using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// The one-time message shown on the page after a redirect. One TempData key for the whole app: handlers set it
/// through <see cref="HtmxPages.RedirectAfterPost"/> or <see cref="HtmxPages.FragmentOrRedirect"/>, and the layout shows it.
/// </summary>
public static class Flash
{
    public const string Key = "Flash";

    /// <summary>
    /// The waiting message, removed so the layout does not show it as well; for a page that shows it in place
    /// (inside the panel the change happened in).
    /// </summary>
    public static string? Take(ITempDataDictionary tempData)
    {
        var message = tempData[Key] as string;
        tempData.Remove(Key);
        return message;
    }
}

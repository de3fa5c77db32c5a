using Microsoft.AspNetCore.Mvc;

namespace Showgeo.Web.Features.Account;

internal static class SafeReturnUrl
{
    /// <summary>Only local URLs are followed after sign-in, so a crafted link cannot bounce a user off-site.</summary>
    public static string Or(IUrlHelper url, string? returnUrl, string fallback = "/") =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : fallback;
}

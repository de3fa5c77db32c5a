using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features;

/// <summary>Friendly page for status codes and unhandled errors; never shows exception details.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "We could not finish that request. Please try again in a moment.";
    public string? RequestId { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    // Set by the rate limiter's rejection; re-executing the status-code page keeps HttpContext.Items.
    private int RetryAfterSeconds() => HttpContext.Items[RateLimits.RetryAfterItem] as int? ?? 60;

    private void Describe(int? code)
    {
        var status = code ?? HttpContext.Response.StatusCode;
        if (status is < 400 or > 599) status = 500;
        Response.StatusCode = status;
        (Title, Message) = status switch
        {
            404 => ("Page not found", "We could not find that page. It may have moved, or the link may be wrong."),
            403 => ("Not allowed", "You do not have permission to do that."),
            400 => ("Bad request", "That request could not be understood. Please check it and try again."),
            405 => ("Not allowed", "That action is not available here."),
            429 => ("Too many attempts", $"Too many attempts, try again in {RetryAfterSeconds()} seconds."),
            503 => ("Temporarily unavailable", "Showgeo is briefly unavailable. Please try again in a few seconds."),
            _ when status >= 500 => ("Something went wrong", "We could not finish that request. Please try again in a moment."),
            _ => ("Request problem", "That request could not be completed."),
        };
        if (status == 429) Response.Headers.RetryAfter = RetryAfterSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status == 503) DatabaseOutage.SetRetryAfter(Response);
        if (status >= 500) RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
    }
}

using AngleSharp.Dom;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>The door's check-in page, as staff use it.</summary>
public static class CheckInPage
{
    /// <summary>Scans <paramref name="code"/> at the event's door and returns the verdict shown (VALID, ALREADY USED…).</summary>
    public static async Task<string> ScanAsync(WebClient door, TicketedEvent a, string code, bool htmx = true) =>
        (await ScanResultAsync(door, a, code, htmx)).QuerySelector("strong")!.TextContent;

    /// <summary>Scans <paramref name="code"/> and returns the whole <c>#checkin-result</c> box: verdict and detail line.</summary>
    public static async Task<IElement> ScanResultAsync(WebClient door, TicketedEvent a, string code, bool htmx = true)
    {
        var page = await door.GetAsync($"/manage/{a.Entity.Slug}/events/{a.Event.Id}/checkin");
        if (htmx)
        {
            var response = await door.SubmitRawAsync(page.Document, "#checkin-form", new Dictionary<string, string> { ["Code"] = code }, htmx: true);
            var fragment = WebClient.Parse(await response.Content.ReadAsStringAsync());
            Assert.Null(fragment.QuerySelector("header.site-header"));
            return fragment.QuerySelector("#checkin-result")!;
        }
        var result = await door.SubmitAsync(page.Document, "#checkin-form", new Dictionary<string, string> { ["Code"] = code });
        return result.Document.QuerySelector("#checkin-result")!;
    }
}

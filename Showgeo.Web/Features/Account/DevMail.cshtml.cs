using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Account;

/// <summary>Development only: the mail Showgeo would have sent (no SMTP configured), newest first; 404 elsewhere.</summary>
public sealed partial class DevMailModel(IWebHostEnvironment env, IServiceProvider services) : PageModel
{
    /// <summary>A sent message as the page shows it: its text and its links, never its HTML (which carries user values).</summary>
    public sealed record Shown(SentEmail Mail, string Text, IReadOnlyList<string> Links);

    public IReadOnlyList<Shown> Sent { get; private set; } = [];

    public IActionResult OnGet()
    {
        if (!env.IsDevelopment()) return NotFound();
        Sent = (services.GetService<InMemoryEmailSender>()?.Sent ?? [])
            .Select(m => new Shown(m,
                WebUtility.HtmlDecode(Tag().Replace(m.HtmlBody, " ")).Trim(),
                Href().Matches(m.HtmlBody).Select(x => WebUtility.HtmlDecode(x.Groups[1].Value))
                    .Where(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https").ToList()))
            .ToList();
        return Page();
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();
}

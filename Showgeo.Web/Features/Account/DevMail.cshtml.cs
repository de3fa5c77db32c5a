using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Account;

/// <summary>Development only: the mail Showgeo would have sent (no SMTP configured), newest first; 404 elsewhere.</summary>
public sealed class DevMailModel(IWebHostEnvironment env, IServiceProvider services) : PageModel
{
    public IReadOnlyList<SentEmail> Sent { get; private set; } = [];

    public IActionResult OnGet()
    {
        if (!env.IsDevelopment()) return NotFound();
        Sent = services.GetService<InMemoryEmailSender>()?.Sent ?? [];
        return Page();
    }
}

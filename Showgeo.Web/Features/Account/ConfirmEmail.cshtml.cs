using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Showgeo.Web.Data;

namespace Showgeo.Web.Features.Account;

/// <summary>The link mailed at registration: confirms the address when the token matches the account.</summary>
public sealed class ConfirmEmailModel(UserManager<AppUser> users) : PageModel
{
    public bool Confirmed { get; private set; }

    public async Task OnGetAsync(Guid? userId, string? code)
    {
        var user = userId is { } id ? await users.FindByIdAsync(id.ToString()) : null;
        if (user is not null && !string.IsNullOrEmpty(code) && Decode(code) is { } token)
            Confirmed = user.EmailConfirmed || (await users.ConfirmEmailAsync(user, token)).Succeeded;
        if (!Confirmed) Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    private static string? Decode(string code)
    {
        try { return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)); }
        catch (FormatException) { return null; }
    }
}

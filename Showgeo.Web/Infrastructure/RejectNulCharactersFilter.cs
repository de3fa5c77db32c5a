using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Answers 400 to any page request whose query, form or route values contain U+0000. No form has a use for it, and
/// PostgreSQL text cannot hold it ("invalid byte sequence for encoding UTF8: 0x00"), so without this every search box
/// that reached the database answered 500. Runs after model binding, so the form is read once.
/// </summary>
public sealed class RejectNulCharactersFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        // The error page shown for this very request (re-executed with the same form) must still render.
        if (context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            await next();
            return;
        }
        var carriesNul = request.Query.Any(q => HasNul(q.Key) || q.Value.Any(HasNul))
                         || context.RouteData.Values.Values.Any(v => v is string s && HasNul(s));
        if (!carriesNul && request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
                carriesNul = form.Any(f => HasNul(f.Key) || f.Value.Any(HasNul)) || form.Files.Any(f => HasNul(f.FileName));
            }
            catch (InvalidDataException)
            {
                // A form the reader refuses (NUL in it, too many fields) is answered by the framework's own 400.
            }
        }
        if (carriesNul)
        {
            context.Result = new BadRequestResult();
            return;
        }
        await next();
    }

    private static bool HasNul(string? value) => value?.Contains('\0') == true;
}

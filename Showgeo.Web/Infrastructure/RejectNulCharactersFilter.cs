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
                // The form reader refuses some of these itself ("The form value contains invalid characters").
                carriesNul = true;
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

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Answers 404 when a request names a handler the page does not have (<c>?handler=abc</c>, or a garbage
/// <c>{handler}</c> segment). Razor Pages would otherwise render the page with no handler run, so its model was
/// never loaded. Pages without handler methods (plain views) are left alone.
/// </summary>
public sealed class UnknownHandlerFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0
            && context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            context.Result = new NotFoundResult();
            return;
        }
        await next();
    }
}

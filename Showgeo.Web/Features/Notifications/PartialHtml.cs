using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Showgeo.Web.Features.Notifications;

/// <summary>
/// Renders a partial to a string outside any request, for HTML pushed on the live stream: the same Razor partials the
/// pages render, in a scope of their own, so what a tab receives live is what the inbox shows after a reload.
/// </summary>
public sealed class PartialHtml(IRazorViewEngine views, ITempDataProvider tempData, IServiceScopeFactory scopes)
{
    public async Task<string> RenderAsync<TModel>(string path, TModel model)
    {
        await using var scope = scopes.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        // An endpoint makes URL helpers (asp-page, hx-page) use endpoint routing, as they do inside a request.
        http.SetEndpoint(new Endpoint(null, EndpointMetadataCollection.Empty, "Live push"));
        var action = new ActionContext(http, new Microsoft.AspNetCore.Routing.RouteData(), new ActionDescriptor());
        var view = views.GetView(executingFilePath: null, path, isMainPage: false).View
                   ?? throw new InvalidOperationException($"No partial at {path}.");
        var data = new ViewDataDictionary<TModel>(new EmptyModelMetadataProvider(), new ModelStateDictionary()) { Model = model };
        await using var writer = new StringWriter();
        var context = new ViewContext(action, view, data, new TempDataDictionary(http, tempData), writer, new HtmlHelperOptions());
        await view.RenderAsync(context);
        return writer.ToString();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;

namespace Showgeo.Web.Infrastructure.Live;

/// <summary>
/// Renders a Razor partial to a string outside any request, for HTML a feed pushes on the live stream: the same
/// partials the pages render, so what a tab receives live is what a reload shows. The HTML is made once and shared by
/// every connection, so the partials take no per-viewer data (no antiforgery field, no user): a bare HttpContext over
/// a service scope is all they get.
/// </summary>
public sealed class LiveHtml(IRazorViewEngine views, ITempDataProvider tempData, IModelMetadataProvider metadata, IServiceScopeFactory scopes)
{
    /// <summary>Renders in a service scope of its own.</summary>
    public async Task<string> RenderAsync<TModel>(string path, TModel model)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await RenderAsync(scope.ServiceProvider, path, model);
    }

    /// <summary>Renders in the caller's service scope (a feed loading many items renders them all in one).</summary>
    public async Task<string> RenderAsync<TModel>(IServiceProvider scope, string path, TModel model)
    {
        var http = new DefaultHttpContext { RequestServices = scope };
        // An endpoint makes URL helpers (asp-page, hx-page) use endpoint routing, as they do inside a request.
        http.SetEndpoint(new Endpoint(null, EndpointMetadataCollection.Empty, "Live push"));
        var action = new ActionContext(http, new RouteData(), new ActionDescriptor());
        var view = views.GetView(executingFilePath: null, viewPath: path, isMainPage: false).View
                   ?? throw new InvalidOperationException($"No partial at {path}.");
        var data = new ViewDataDictionary<TModel>(metadata, new ModelStateDictionary()) { Model = model };
        await using var writer = new StringWriter();
        var context = new ViewContext(action, view, data, new TempDataDictionary(http, tempData), writer, new HtmlHelperOptions());
        await view.RenderAsync(context);
        return writer.ToString();
    }
}

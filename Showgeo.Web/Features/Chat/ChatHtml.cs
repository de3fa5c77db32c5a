using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;

namespace Showgeo.Web.Features.Chat;

/// <summary>
/// Renders the chat partials outside a request, for the live stream: the HTML pushed is the HTML the panel renders,
/// made once per room change and shared by every connection. The partials it renders take no per-viewer data (no
/// antiforgery field, no user), so a bare HttpContext over the caller's service scope is all they need.
/// </summary>
public sealed class ChatHtml(IRazorViewEngine engine, ITempDataProvider tempData, IModelMetadataProvider metadata)
{
    public const string Message = "/Features/Chat/_ChatMessage.cshtml";
    public const string Removal = "/Features/Chat/_ChatRemoval.cshtml";
    public const string Reactions = "/Features/Chat/_ChatReactions.cshtml";
    public const string Polls = "/Features/Chat/_ChatPolls.cshtml";

    public async Task<string> RenderAsync<TModel>(IServiceProvider scope, string path, TModel model)
    {
        var http = new DefaultHttpContext { RequestServices = scope };
        var action = new ActionContext(http, new RouteData(), new ActionDescriptor());
        var view = engine.GetView(executingFilePath: null, viewPath: path, isMainPage: false).View
                   ?? throw new InvalidOperationException($"No partial at {path}.");
        await using var writer = new StringWriter();
        var viewData = new ViewDataDictionary<TModel>(metadata, new ModelStateDictionary()) { Model = model };
        var context = new ViewContext(action, view, viewData, new TempDataDictionary(http, tempData), writer, new HtmlHelperOptions());
        await view.RenderAsync(context);
        return writer.ToString().Trim();
    }
}

using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// Drives the app the way a browser without JavaScript does: GET pages, read forms (with their antiforgery field),
/// submit them, follow redirects. Add <c>htmx: true</c> to send the headers htmx sends.
/// </summary>
public sealed class WebClient : IDisposable
{
    private static readonly HtmlParser Parser = new();

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }

    public WebClient(Uri baseAddress)
    {
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
        };
    }

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>GETs a page, following redirects, and returns the final response with its parsed document.</summary>
    public async Task<Page> GetAsync(string url, bool htmx = false, bool boosted = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        AddHtmxHeaders(request, htmx, boosted);
        var response = await Http.SendAsync(request);
        return await FollowAsync(response);
    }

    /// <summary>Fills the form matched by <paramref name="formSelector"/> and submits it (no redirect following).</summary>
    public async Task<HttpResponseMessage> SubmitRawAsync(IHtmlDocument document, string formSelector,
        IReadOnlyDictionary<string, string>? values = null, bool htmx = false, string? submitName = null, string? submitValue = null)
    {
        var form = document.QuerySelector(formSelector) as IHtmlFormElement
                   ?? throw new InvalidOperationException($"No form matches '{formSelector}'.");
        var fields = FormFields(form);
        foreach (var (k, v) in values ?? new Dictionary<string, string>()) fields[k] = [v];
        if (submitName is not null) fields[submitName] = [submitValue ?? ""];
        var method = (form.GetAttribute("method") ?? "get").ToUpperInvariant();
        var action = form.GetAttribute("action");
        if (string.IsNullOrEmpty(action)) action = document.Url is { } u && u.StartsWith("http") ? new Uri(u).PathAndQuery : "/";
        var pairs = fields.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v)));
        HttpRequestMessage request;
        if (method == "GET")
        {
            var query = string.Join("&", pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
            request = new HttpRequestMessage(HttpMethod.Get, action.Split('?')[0] + "?" + query);
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(pairs) };
        }
        AddHtmxHeaders(request, htmx, boosted: false);
        return await Http.SendAsync(request);
    }

    /// <summary>Submits a form and follows any redirect to the resulting page.</summary>
    public async Task<Page> SubmitAsync(IHtmlDocument document, string formSelector,
        IReadOnlyDictionary<string, string>? values = null, bool htmx = false, string? submitName = null, string? submitValue = null) =>
        await FollowAsync(await SubmitRawAsync(document, formSelector, values, htmx, submitName, submitValue));

    /// <summary>POSTs raw form fields with an antiforgery token taken from <paramref name="tokenSource"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string url, IHtmlDocument tokenSource, IReadOnlyDictionary<string, string>? values = null, bool htmx = false)
    {
        var token = tokenSource.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
                    ?? tokenSource.QuerySelector("#antiforgery")?.GetAttribute("data-token")
                    ?? throw new InvalidOperationException("The page carries no antiforgery token.");
        var fields = new Dictionary<string, string>(values ?? new Dictionary<string, string>());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("RequestVerificationToken", token);
        AddHtmxHeaders(request, htmx, boosted: false);
        return await Http.SendAsync(request);
    }

    public async Task<Page> FollowAsync(HttpResponseMessage response)
    {
        for (var hops = 0; response.IsRedirect() && hops < 10; hops++)
        {
            var location = response.Headers.Location!;
            if (!location.IsAbsoluteUri) location = new Uri(response.RequestMessage!.RequestUri!, location);
            response.Dispose();
            response = await Http.GetAsync(location);
        }
        var html = await response.Content.ReadAsStringAsync();
        var doc = await Parser.ParseDocumentAsync(html);
        return new Page(response, doc, html);
    }

    public async Task<Page> SignInAsync(string email, string password)
    {
        var login = await GetAsync("/account/login");
        return await SubmitAsync(login.Document, "#login-form", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }

    public async Task<Page> RegisterAsync(string email, string password, string displayName)
    {
        var register = await GetAsync("/account/register");
        return await SubmitAsync(register.Document, "#register-form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = displayName,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
    }

    private static Dictionary<string, List<string>> FormFields(IHtmlFormElement form)
    {
        var fields = new Dictionary<string, List<string>>();
        foreach (var el in form.Elements)
        {
            var name = el.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || el.HasAttribute("disabled")) continue;
            switch (el)
            {
                case IHtmlInputElement input:
                    var type = (input.Type ?? "text").ToLowerInvariant();
                    if (type is "submit" or "button" or "file" or "image") continue;
                    if (type is "checkbox" or "radio" && !input.IsChecked) continue;
                    Add(name, type is "checkbox" or "radio" ? (input.GetAttribute("value") ?? "on") : input.Value);
                    break;
                case IHtmlSelectElement select:
                    foreach (var o in select.Options.Where(o => o.IsSelected)) Add(name, o.Value);
                    if (!select.Options.Any(o => o.IsSelected) && select.Options.Length > 0 && !select.IsMultiple)
                        Add(name, select.Options[0]!.Value);
                    break;
                case IHtmlTextAreaElement textarea:
                    Add(name, textarea.Value);
                    break;
            }
        }
        return fields;

        void Add(string n, string v)
        {
            if (!fields.TryGetValue(n, out var list)) fields[n] = list = [];
            // ASP.NET checkboxes render a hidden "false" after the box; a checked box must win.
            if (list.Count == 1 && list[0] == "false" && v == "true") list[0] = v; else list.Add(v);
        }
    }

    private static void AddHtmxHeaders(HttpRequestMessage request, bool htmx, bool boosted)
    {
        if (!htmx && !boosted) return;
        request.Headers.Add("HX-Request", "true");
        if (boosted) request.Headers.Add("HX-Boosted", "true");
    }

    public void Dispose() => Http.Dispose();
}

public sealed record Page(HttpResponseMessage Response, IHtmlDocument Document, string Html)
{
    public HttpStatusCode Status => Response.StatusCode;
    public string Path => Response.RequestMessage?.RequestUri?.AbsolutePath ?? "";
    public string Text => Document.Body?.TextContent ?? "";
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>The matrix app, with the exceptions it logs kept so a 500 found by the sweep can say what threw.</summary>
public sealed class SweepApp : MatrixApp
{
    public ConcurrentQueue<string> Exceptions { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureLogging(l => l.AddProvider(new ExceptionLog(Exceptions)));

    private sealed class ExceptionLog(ConcurrentQueue<string> into) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null) into.Enqueue($"{exception.GetType().Name}: {exception.Message.Split('\n')[0]} at {exception.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("Showgeo.Web."))?.Trim()}");
        }
    }
}

/// <summary>
/// No input makes a page answer 5xx. Every POST handler in <see cref="PageHandlerCatalog"/> (and every GET that takes
/// query or route values) is sent a corpus of bad values, by an actor allowed to use the form and with a valid
/// antiforgery token: first every field at once with each value (fields are validated independently), then each field
/// alone with a few values while the others stay valid, then a body of invalid UTF-8 bytes. The fields come from the
/// catalog's form, the page's rendered form and the handler's bound parameters and properties. Every answer must be a
/// redirect (accepted), the form back (200) or a 4xx; and when nothing was accepted the database must be unchanged.
/// Requests for one handler run in parallel against a world no earlier batch wrote to; handlers run one after another so that the
/// database snapshot around each handler's batch is its own.
/// </summary>
public sealed class BadInputSweepTests(SweepApp app, ITestOutputHelper output) : IClassFixture<SweepApp>
{
    private const int Parallelism = 6;
    private static readonly string Huge = new('x', 100_000);

    private static readonly string[] Batched =
    [
        "", "-1", "abc", "99999999999999999999999999999", "1234567890123456789012345678.99", "1e309", "NaN", Huge, "\u0000",
        "\u0007\u202Egnp.exe",
    ];

    // Alone, the two kinds that got past validation before: an overflowing number and an overlong string.
    private static readonly string[] Alone = ["1234567890123456789012345678.99", Huge];

    private sealed record Request(string Handler, string Field, string Value, string Method, string Url, FormBody? Form, byte[]? RawBody = null)
    {
        public string Describe() => $"{Method} {Url} [{Field} = {Show(Value)}]";
    }

    private sealed record Answer(Request Request, HttpStatusCode Status, string? Location);

    private static string Show(string v) => v.Length > 40 ? $"\"{v[..20]}…\" ({v.Length} chars)" : "\"" + string.Concat(v.Select(c => char.IsControl(c) || c == '\u202E' ? $"\\u{(int)c:X4}" : c.ToString())) + "\"";

    [Fact]
    public async Task No_bad_input_makes_any_page_handler_answer_5xx_or_write_when_refused()
    {
        var handlers = (await PageHandlers.DiscoverAsync(app.Services)).ToDictionary(h => h.Key);
        var cases = PageHandlerCatalog.All.Where(c => c.Sweep && handlers.ContainsKey(c.Handler)).ToList();
        var problems = new List<string>();
        var sent = 0;
        var swept = 0;
        var started = DateTime.UtcNow;
        // The server runs in this process: its CPU time is what the sweep costs on a quiet machine.
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        World? world = null;
        foreach (var c in cases)
        {
            if (SweepActor(c) is not { } actor) continue;
            // A world nothing was written to serves the next handler too.
            world ??= await app.NewWorldAsync();
            if (c.Prepare is not null) await c.Prepare(app, world, actor);
            var requests = await RequestsAsync(c, handlers[c.Handler], world, actor);
            if (requests.Count == 0)
            {
                if (c.Prepare is not null) world = null;
                continue;
            }
            swept++;
            sent += requests.Count;
            await app.SettleAsync();
            var before = await app.DatabaseSnapshotAsync();
            var answers = new ConcurrentBag<Answer>();
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (r, _) =>
                answers.Add(await SendAsync(c, actor, r)));
            await app.SettleAsync();
            var changed = (await app.DatabaseSnapshotAsync()).ChangedSince(before);

            var failed = answers.Where(Failed).ToList();
            var accepted = answers.Where(a => Accepted(a)).ToList();
            if (changed.Count > 0 || accepted.Count > 0 || c.Prepare is not null) world = null;
            // Replayed one at a time, so what the app logged belongs to that request (and a race between two bad
            // requests is not mistaken for a bad input).
            foreach (var a in failed.OrderBy(a => a.Request.Field).Take(12))
            {
                app.Exceptions.Clear();
                var again = await SendAsync(c, actor, a.Request);
                if (Failed(again))
                    problems.Add($"{c.Name}: {(int)again.Status} for {a.Request.Describe()} — {(again.Status == 0 ? again.Location : string.Join(" | ", app.Exceptions.Distinct().Take(2)))}");
                else
                    problems.Add($"{c.Name}: {(int)a.Status} for {a.Request.Describe()} only when sent alongside others (a race), {(int)again.Status} alone");
            }
            if (failed.Count > 12) problems.Add($"{c.Name}: … and {failed.Count - 12} more 5xx answers");
            if (c.RefusalsWrite) continue;
            if (changed.Count > 0 && (accepted.Count == 0 || c.Method == "GET"))
                problems.Add($"{c.Name}: {(c.Method == "GET" ? "GET requests" : "refused requests")} changed {string.Join(", ", changed)}" +
                             await WhoWroteAsync(c, actor, requests));
            else if (changed.Count > 0)
                problems.AddRange(await RefusedThatWroteAsync(c, actor, answers.Where(a => !Accepted(a)).Select(a => a.Request).ToList()));
        }
        output.WriteLine($"Swept {swept} handlers with {sent} requests: {Batched.Length} values in every field at once, {Alone.Length} per field alone (and 6 more ids per id field), 3 per route value, one invalid UTF-8 body; in {(DateTime.UtcNow - started).TotalSeconds:0.0} s, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s of CPU in this process.");
        Assert.True(swept >= 45, $"Only {swept} handlers were swept; the field discovery is wrong.");
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):\n" + string.Join("\n", problems));
    }

    private static bool Failed(Answer a) => (int)a.Status is 0 or >= 500;

    private static bool Accepted(Answer a) => (int)a.Status is >= 300 and < 400;

    /// <summary>Who may really use the form: the strongest member first, then the fan, the admin, and a visitor.</summary>
    private static Actor? SweepActor(HandlerCase c)
    {
        foreach (var actor in new[] { Actor.Owner, Actor.Manager, Actor.Coordinator, Actor.Fan, Actor.Admin, Actor.Anonymous })
            if (c.Expect(actor) == Outcome.Allowed) return c.FreshClient ? Actor.Anonymous : actor;
        return null;
    }

    private async Task<Answer> SendAsync(HandlerCase c, Actor actor, Request r)
    {
        var (client, tokenSource) = c.FreshClient ? await app.FreshClientAsync(actor) : await app.ClientAsync(actor);
        try
        {
            HttpResponseMessage response;
            if (r.RawBody is { } raw)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, r.Url) { Content = new ByteArrayContent(raw) };
                request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
                request.Headers.Add("RequestVerificationToken", Token(tokenSource));
                response = await client.Http.SendAsync(request);
            }
            else response = await MatrixApp.SendAsync(client, tokenSource, r.Method, r.Url, r.Form);
            using (response) return new Answer(r, response.StatusCode, response.Headers.Location?.ToString());
        }
        catch (HttpRequestException ex)
        {
            // No usable HTTP answer at all (headers over 64 KB, a dropped connection): as bad as a 500 for a browser.
            return new Answer(r, 0, ex.Message);
        }
        finally
        {
            if (c.FreshClient) client.Dispose();
        }
    }

    private static string Token(IHtmlDocument doc) =>
        doc.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? doc.QuerySelector("#antiforgery")?.GetAttribute("data-token") ?? "";

    private async Task<List<Request>> RequestsAsync(HandlerCase c, PageHandler h, World world, Actor actor)
    {
        var url = c.Url(world);
        var (path, query) = Split(url);
        var baseline = new Dictionary<string, string>(StringComparer.Ordinal);
        // The rendered form first (hidden fields, defaults), then the catalog's valid values over it.
        foreach (var (k, v) in await RenderedFieldsAsync(c, h, actor, path, query)) baseline.TryAdd(k, v);
        var catalogForm = c.FormFor(world, actor);
        foreach (var (k, v) in catalogForm?.Fields ?? new Dictionary<string, string>()) baseline[k] = v;
        foreach (var name in BoundNames(h)) baseline.TryAdd(name, "");
        // Query values (an id, a search) go in the form of a POST, so a bad one replaces the good one.
        foreach (var (k, v) in query) baseline[k] = v;
        baseline.Remove("__RequestVerificationToken");
        baseline.Remove("handler");
        var files = catalogForm?.Files;
        var routeSegments = RouteSegments(h.Template, path);
        if (c.Method == "GET" && baseline.Count == 0 && routeSegments.Count == 0) return [];

        var requests = new List<Request>();
        Request Make(string field, string value, Dictionary<string, string> fields, string p)
        {
            if (c.Method == "POST")
            {
                var q = query.Where(kv => kv.Key == "handler" || !fields.ContainsKey(kv.Key)).ToDictionary();
                return new Request(c.Name, field, value, "POST", Join(p, q), new FormBody(fields, files));
            }
            return new Request(c.Name, field, value, "GET", Join(p, fields), null);
        }
        if (baseline.Count > 0)
        {
            foreach (var value in Batched)
                requests.Add(Make("every field", value, baseline.Keys.ToDictionary(k => k, _ => value), path));
            // An id field also gets an unknown id and each of entity B's ids, with every other field valid.
            foreach (var field in baseline.Keys)
                foreach (var value in Guid.TryParse(baseline[field], out _) ? Alone.Append(Guid.NewGuid().ToString()).Concat(ForeignIds(world)) : Alone)
                    requests.Add(Make(field, value, new Dictionary<string, string>(baseline) { [field] = value }, path));
        }
        foreach (var (index, name) in routeSegments)
            foreach (var value in new[] { "abc", "a\u0000b", Guid.NewGuid().ToString() })
            {
                var segments = path.Split('/');
                segments[index] = Uri.EscapeDataString(value);
                requests.Add(Make("route " + name, value, baseline, string.Join('/', segments)));
            }
        if (c.Method == "POST" && baseline.Count > 0 && files is not { Count: > 0 })
        {
            // Bytes that are not UTF-8 at all, straight in the body (a browser would never send them).
            var body = new List<byte>();
            foreach (var key in baseline.Keys)
            {
                if (body.Count > 0) body.Add((byte)'&');
                body.AddRange(Encoding.ASCII.GetBytes(Uri.EscapeDataString(key) + "="));
                body.AddRange([0xFF, 0xFE, 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1]);
            }
            requests.Add(new Request(c.Name, "every field", "invalid UTF-8 bytes", "POST", Join(path, query), null, body.ToArray()));
        }
        return requests;
    }

    private static IEnumerable<string> ForeignIds(World w) =>
        new[] { w.OtherEventId, w.OtherTypeId, w.OtherOrderId, w.OtherTicketId, w.OtherAssetId }.Select(g => g.ToString());

    /// <summary>Field names of the form on the handler's page that posts to it (GET forms for GET handlers).</summary>
    private async Task<Dictionary<string, string>> RenderedFieldsAsync(HandlerCase c, PageHandler h, Actor actor, string path,
        Dictionary<string, string> query)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var (client, _) = await app.ClientAsync(c.FreshClient ? Actor.Anonymous : actor);
        using var response = await client.Http.GetAsync(path);
        if (!response.IsSuccessStatusCode) return fields;
        var doc = WebClient.Parse(await response.Content.ReadAsStringAsync());
        foreach (var form in doc.QuerySelectorAll("form").OfType<IHtmlFormElement>())
        {
            var method = (form.GetAttribute("method") ?? "get").ToUpperInvariant();
            var action = form.GetAttribute("action") ?? path;
            var handlerInAction = action.Contains("handler=", StringComparison.OrdinalIgnoreCase)
                ? action.Split("handler=")[1].Split('&')[0] : null;
            if (method != c.Method || !string.Equals(handlerInAction, h.HandlerName, StringComparison.OrdinalIgnoreCase)
                || !action.Split('?')[0].Equals(path, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var el in form.Elements)
            {
                var name = el.GetAttribute("name");
                if (string.IsNullOrEmpty(name) || el is IHtmlInputElement { Type: "file" or "submit" }) continue;
                fields.TryAdd(name, el switch
                {
                    IHtmlInputElement { Type: "checkbox" or "radio" } i => i.Value,
                    IHtmlInputElement i => i.Value,
                    IHtmlTextAreaElement t => t.Value,
                    IHtmlSelectElement s => s.Value ?? "",
                    _ => "",
                });
            }
        }
        return fields;
    }

    /// <summary>The names a handler binds from the form or query: simple parameters and properties, and one level into objects.</summary>
    private static IEnumerable<string> BoundNames(PageHandler h)
    {
        foreach (var b in h.Binds.Where(b => !b.FromRoute && (h.Method == "POST" || b.SupportsGet)))
        {
            var type = Nullable.GetUnderlyingType(b.Type) ?? b.Type;
            if (typeof(Microsoft.AspNetCore.Http.IFormFile).IsAssignableFrom(type)) continue;
            if (Simple(type)) { yield return b.Name; continue; }
            if (type.IsGenericType) continue; // dictionaries and lists: the catalog's form names their keys
            foreach (var p in type.GetProperties().Where(p => p.CanWrite && Simple(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)))
                yield return $"{b.Name}.{p.Name}";
        }

        static bool Simple(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(Guid) || t == typeof(decimal)
                                      || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeOnly);
    }

    /// <summary>Positions of the path segments that are route values ("{slug}", "{eventId:guid}") in the concrete path.</summary>
    private static List<(int Index, string Name)> RouteSegments(string template, string path)
    {
        var t = template.Split('/');
        var p = path.Split('/');
        if (t.Length != p.Length) return [];
        return t.Select((seg, i) => (seg, i)).Where(x => x.seg.StartsWith('{'))
            .Select(x => (x.i, x.seg.Trim('{', '}', '?').Split(':')[0])).ToList();
    }

    private static (string Path, Dictionary<string, string> Query) Split(string url)
    {
        var parts = url.Split('?', 2);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parts.Length == 2)
            foreach (var pair in parts[1].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                query[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            }
        return (parts[0], query);
    }

    private static string Join(string path, IReadOnlyDictionary<string, string> query) =>
        query.Count == 0 ? path : path + "?" + string.Join("&", query.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));

    /// <summary>Replays the batch one request at a time, each with its own snapshot, to name those that wrote.</summary>
    private async Task<string> WhoWroteAsync(HandlerCase c, Actor actor, List<Request> requests)
    {
        var culprits = await RefusedThatWroteAsync(c, actor, requests, onlyRefused: c.Method == "POST");
        return culprits.Count == 0 ? " (no single request did it on replay)" : ":\n  " + string.Join("\n  ", culprits);
    }

    private async Task<List<string>> RefusedThatWroteAsync(HandlerCase c, Actor actor, List<Request> requests, bool onlyRefused = true)
    {
        var found = new List<string>();
        foreach (var r in requests)
        {
            await app.SettleAsync();
            var before = await app.DatabaseSnapshotAsync();
            var a = await SendAsync(c, actor, r);
            await app.SettleAsync();
            var changed = (await app.DatabaseSnapshotAsync()).ChangedSince(before);
            if (changed.Count > 0 && (!onlyRefused || !Accepted(a)))
                found.Add($"{c.Name}: {(int)a.Status} for {r.Describe()} but changed {string.Join(", ", changed)}");
            if (found.Count >= 8) break;
        }
        return found;
    }
}

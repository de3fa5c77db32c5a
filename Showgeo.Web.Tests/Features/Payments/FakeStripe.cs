using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>
/// The Stripe endpoints we call (Checkout Sessions, Refunds, billing-portal sessions, subscription updates), on loopback inside the test process, so the real Stripe.net client runs. It records
/// every request (path, headers, form) and answers with the objects Stripe.net deserializes. Like Stripe, a repeated
/// Idempotency-Key gets the first answer, and reusing a key with other parameters is a 400 idempotency_error.
/// <see cref="FailNext"/> makes the next requests to a path fail with a 5xx before anything is saved under their key.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public sealed record Call(string Path, string? Authorization, string? StripeVersion, string? IdempotencyKey, string? Telemetry,
        string ContentType, Dictionary<string, string> Form, int Status);

    private sealed record Saved(Dictionary<string, string> Form, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Saved> _byKey = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _failures = new();
    public ConcurrentQueue<Call> Calls { get; } = new();
    public string BaseUrl { get; }

    /// <summary>Delays every answer by this much (for client timeouts).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    private FakeStripe(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeStripe? self = null;
        app.MapPost("/v1/checkout/sessions", (Func<HttpContext, Task<IResult>>)(ctx => self!.HandleAsync(ctx, form => Json(new Dictionary<string, object?>
        {
            ["id"] = $"cs_test_{Guid.NewGuid():N}",
            ["object"] = "checkout.session",
            ["url"] = $"https://checkout.stripe.test/pay/{form["client_reference_id"]}",
            ["status"] = "open",
            ["payment_status"] = "unpaid",
            ["mode"] = form["mode"],
            ["client_reference_id"] = form["client_reference_id"],
            ["currency"] = form.GetValueOrDefault("line_items[0][price_data][currency]"),
            ["expires_at"] = long.Parse(form["expires_at"]),
            ["metadata"] = Metadata(form),
            ["livemode"] = false,
        }))));
        app.MapPost("/v1/billing_portal/sessions", (Func<HttpContext, Task<IResult>>)(ctx => self!.HandleAsync(ctx, form => Json(new Dictionary<string, object?>
        {
            ["id"] = $"bps_{Guid.NewGuid():N}",
            ["object"] = "billing_portal.session",
            ["customer"] = form["customer"],
            ["return_url"] = form["return_url"],
            ["url"] = $"https://billing.stripe.test/session/{form["customer"]}",
        }))));
        app.MapPost("/v1/subscriptions/{id}", (Func<HttpContext, Task<IResult>>)(ctx => self!.HandleAsync(ctx, form => Json(new Dictionary<string, object?>
        {
            ["id"] = ctx.Request.RouteValues["id"]?.ToString(),
            ["object"] = "subscription",
            ["status"] = "active",
            ["cancel_at_period_end"] = form.GetValueOrDefault("cancel_at_period_end") == "true",
        }))));
        app.MapPost("/v1/refunds", (Func<HttpContext, Task<IResult>>)(ctx => self!.HandleAsync(ctx, form => Json(new Dictionary<string, object?>
        {
            ["id"] = $"re_{Guid.NewGuid():N}",
            ["object"] = "refund",
            ["amount"] = long.Parse(form["amount"]),
            ["payment_intent"] = form["payment_intent"],
            ["reason"] = form.GetValueOrDefault("reason"),
            ["status"] = "succeeded",
            ["metadata"] = new Dictionary<string, string> { ["order_id"] = form["metadata[order_id]"], ["refund_id"] = form["metadata[refund_id]"] },
        }))));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeStripe(app, address);
        return self;
    }

    /// <summary>
    /// The next <paramref name="times"/> requests to <paramref name="path"/> answer <paramref name="status"/>; disposing
    /// the result drops any not yet used, so a test that fails early does not leave failures for the next one.
    /// </summary>
    /// <summary>A "status" for <see cref="FailNext"/>: do the work, then drop the connection without answering.</summary>
    public const int DropConnection = 0;

    public IDisposable FailNext(string path, int times, int status = 500)
    {
        var queue = _failures.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        for (var i = 0; i < times; i++) queue.Enqueue(status);
        return new Cleanup(queue);
    }

    private sealed class Cleanup(ConcurrentQueue<int> queue) : IDisposable
    {
        public void Dispose() => queue.Clear();
    }

    private async Task<IResult> HandleAsync(HttpContext ctx, Func<Dictionary<string, string>, string> respond)
    {
        var form = (await ctx.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var key = ctx.Request.Headers["Idempotency-Key"].ToString();
        if (Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(Delay, ctx.RequestAborted); }
            catch (OperationCanceledException) { return Results.Empty; }
        }
        ctx.Response.Headers["Request-Id"] = $"req_{Guid.NewGuid():N}";

        int status;
        string body;
        if (_failures.TryGetValue(ctx.Request.Path, out var failures) && failures.TryDequeue(out var failure))
        {
            if (failure == DropConnection)
            {
                // Stripe acted (a retry with the key gets this answer), but the connection died before the response.
                if (!string.IsNullOrEmpty(key)) _byKey.GetOrAdd(key, _ => new Saved(form, respond(form)));
                Calls.Enqueue(new Call(ctx.Request.Path, ctx.Request.Headers.Authorization, ctx.Request.Headers["Stripe-Version"], key,
                    ctx.Request.Headers["X-Stripe-Client-Telemetry"].FirstOrDefault(), ctx.Request.ContentType ?? "", form, 0));
                ctx.Abort();
                return Results.Empty;
            }
            (status, body) = (failure, Error("api_error", "An unknown error occurred."));
        }
        else if (string.IsNullOrEmpty(key))
            (status, body) = (200, respond(form));
        else
        {
            var saved = _byKey.GetOrAdd(key, _ => new Saved(form, respond(form)));
            (status, body) = SameForm(saved.Form, form) ? (200, saved.Body)
                : (400, Error("idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with."));
        }
        Calls.Enqueue(new Call(ctx.Request.Path, ctx.Request.Headers.Authorization, ctx.Request.Headers["Stripe-Version"], key,
            ctx.Request.Headers["X-Stripe-Client-Telemetry"].FirstOrDefault(), ctx.Request.ContentType ?? "", form, status));
        return Results.Content(body, "application/json", statusCode: status);
    }

    private static bool SameForm(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The metadata[...] fields of a form, as Stripe echoes them back.</summary>
    private static Dictionary<string, string> Metadata(Dictionary<string, string> form) =>
        form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal))
            .ToDictionary(f => f.Key["metadata[".Length..^1], f => f.Value);

    private static string Json(Dictionary<string, object?> fields) => JsonSerializer.Serialize(fields);

    private static string Error(string type, string message) => Json(new() { ["error"] = new Dictionary<string, string> { ["type"] = type, ["message"] = message } });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

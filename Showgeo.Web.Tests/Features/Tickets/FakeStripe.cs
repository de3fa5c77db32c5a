using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>
/// Stripe's two endpoints we call, on loopback inside the test process, so the real StripeCheckoutClient runs. It
/// records every request (path, headers, form) and answers like Stripe; a repeated Idempotency-Key gets the first answer.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public sealed record Call(string Path, string? Authorization, string? StripeVersion, string? IdempotencyKey, string ContentType, Dictionary<string, string> Form);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _byKey = new();
    public ConcurrentQueue<Call> Calls { get; } = new();
    public string BaseUrl { get; }

    private FakeStripe(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeStripe? self = null;
        app.MapPost("/v1/checkout/sessions", (Func<HttpContext, Task<IResult>>)(ctx => self!.HandleAsync(ctx, form =>
            $$"""{"id":"cs_test_{{Guid.NewGuid():N}}","object":"checkout.session","url":"https://checkout.stripe.test/pay/{{form["client_reference_id"]}}","status":"open","payment_status":"unpaid"}""")));
        app.MapPost("/v1/refunds", (Func<HttpContext, Task<IResult>>)(ctx => self!.HandleAsync(ctx, form =>
            $$"""{"id":"re_{{Guid.NewGuid():N}}","object":"refund","amount":{{form["amount"]}},"status":"succeeded"}""")));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeStripe(app, address);
        return self;
    }

    private async Task<IResult> HandleAsync(HttpContext ctx, Func<Dictionary<string, string>, string> respond)
    {
        var form = (await ctx.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var key = ctx.Request.Headers["Idempotency-Key"].ToString();
        Calls.Enqueue(new Call(ctx.Request.Path, ctx.Request.Headers.Authorization, ctx.Request.Headers["Stripe-Version"], key,
            ctx.Request.ContentType ?? "", form));
        var body = string.IsNullOrEmpty(key) ? respond(form) : _byKey.GetOrAdd(key, _ => respond(form));
        return Results.Content(body, "application/json");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

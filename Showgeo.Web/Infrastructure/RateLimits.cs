using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Request limits for the endpoints worth abusing, bound from "RateLimits". Each limit is a fixed window: at most
/// <c>…PermitLimit</c> requests per <c>…Window</c> per partition.
/// </summary>
/// <remarks>
/// The sign-in numbers are chosen against Identity's lockout (5 failures in a row lock the account for 15 minutes, and
/// the count restarts after a lockout or a success): one client IP gets 4 attempts per 15-minute window, so a single
/// address can never reach the fifth failure inside one window. To lock the account it has to come back in a later
/// window, and its next 4 attempts after the lockout again fall short, so one address can cause at most one 15-minute
/// lockout per two windows, never a permanent one; the victim signing in from any other address is not slowed by it.
/// The account limit (20 per 15 minutes, from every address together) is well above the per-IP one, so one attacker
/// address never blocks the victim, yet it caps guessing from many addresses at about one attempt a minute.
/// </remarks>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int SignInPerIpPermitLimit { get; set; } = 4;
    public int SignInPerIpWindowSeconds { get; set; } = 15 * 60;
    public int SignInPerAccountPermitLimit { get; set; } = 20;
    public int SignInPerAccountWindowSeconds { get; set; } = 15 * 60;
    public int RegisterPerIpPermitLimit { get; set; } = 5;
    public int RegisterPerIpWindowSeconds { get; set; } = 60 * 60;
    public int CheckoutPerUserPermitLimit { get; set; } = 10;
    public int CheckoutPerUserWindowSeconds { get; set; } = 60;
    public int UploadPerUserPermitLimit { get; set; } = 30;
    public int UploadPerUserWindowSeconds { get; set; } = 10 * 60;

    public void Validate()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(SignInPerIpPermitLimit), SignInPerIpPermitLimit), (nameof(SignInPerIpWindowSeconds), SignInPerIpWindowSeconds),
            (nameof(SignInPerAccountPermitLimit), SignInPerAccountPermitLimit), (nameof(SignInPerAccountWindowSeconds), SignInPerAccountWindowSeconds),
            (nameof(RegisterPerIpPermitLimit), RegisterPerIpPermitLimit), (nameof(RegisterPerIpWindowSeconds), RegisterPerIpWindowSeconds),
            (nameof(CheckoutPerUserPermitLimit), CheckoutPerUserPermitLimit), (nameof(CheckoutPerUserWindowSeconds), CheckoutPerUserWindowSeconds),
            (nameof(UploadPerUserPermitLimit), UploadPerUserPermitLimit), (nameof(UploadPerUserWindowSeconds), UploadPerUserWindowSeconds),
        })
        {
            if (value < 1) throw new RequiredSettingException($"{Section}:{name}", "must be at least 1.");
        }
    }
}

/// <summary>Marks the password sign-in page: its POSTs pass the per-IP and then the per-account sign-in limit.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignInRateLimitAttribute : Attribute;

/// <summary>
/// ASP.NET Core's rate limiter (https://learn.microsoft.com/aspnet/core/performance/rate-limit) set up in one place.
/// Pages opt in with <c>[EnableRateLimiting(RateLimits.X)]</c>; sign-in with <see cref="SignInRateLimitAttribute"/>.
/// Only POSTs count, so reading a form is never limited. A rejected request gets 429 with <c>Retry-After</c>, and the
/// status-code page renders "Too many attempts" from <see cref="RetryAfterItem"/>.
/// </summary>
public static class RateLimits
{
    public const string Register = "register";
    public const string Checkout = "checkout";
    public const string Upload = "upload";

    /// <summary>HttpContext.Items key holding the rejected request's wait in whole seconds.</summary>
    public const string RetryAfterItem = "showgeo.retry-after";

    /// <summary>The form field the sign-in page posts the account's email in.</summary>
    public const string SignInEmailField = "Input.Email";

    public static WebApplicationBuilder AddShowgeoRateLimits(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        limits.Validate();
        builder.Services.AddSingleton(Options.Create(limits));

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => Reject(context);

            // IP first: a request the IP limit refuses never spends the account's permits, so one hammering address
            // cannot use up the account limit its victim signs in under. The chained limiter stops at the first refusal.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => IsSignInPost(ctx)
                    ? Window($"ip:{ClientIp(ctx)}", limits.SignInPerIpPermitLimit, limits.SignInPerIpWindowSeconds)
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => IsSignInPost(ctx) && SignInAccount(ctx) is { } account
                    ? Window($"account:{account}", limits.SignInPerAccountPermitLimit, limits.SignInPerAccountWindowSeconds)
                    : RateLimitPartition.GetNoLimiter("")));

            o.AddPolicy(Register, ctx => PostsOnly(ctx, () =>
                Window($"ip:{ClientIp(ctx)}", limits.RegisterPerIpPermitLimit, limits.RegisterPerIpWindowSeconds)));
            o.AddPolicy(Checkout, ctx => PostsOnly(ctx, () =>
                Window(UserKey(ctx), limits.CheckoutPerUserPermitLimit, limits.CheckoutPerUserWindowSeconds)));
            // Upload pages also post small forms (delete, remove); only a multipart body carries a file.
            o.AddPolicy(Upload, ctx => PostsOnly(ctx, () => ctx.Request.HasFormContentType
                    && ctx.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)
                ? Window(UserKey(ctx), limits.UploadPerUserPermitLimit, limits.UploadPerUserWindowSeconds)
                : RateLimitPartition.GetNoLimiter("")));
        });
        return builder;
    }

    /// <summary>After routing (endpoint metadata), forwarded headers (client IP) and authentication (user partitions).</summary>
    public static WebApplication UseShowgeoRateLimits(this WebApplication app)
    {
        // The limiter's partition callbacks are synchronous, so the sign-in form is read (and cached on the request)
        // before them; the page binds from the same cached form.
        app.Use(async (context, next) =>
        {
            if (IsSignInPost(context) && context.Request.HasFormContentType)
            {
                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    // A malformed or oversized form (as model binding would also refuse): a 400 page, not a 500.
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
            }
            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    private static ValueTask Reject(OnRejectedContext context)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.HttpContext.Items[RetryAfterItem] = seconds;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // No body here: the status-code pages re-execute /error, which renders the "Too many attempts" page.
        return ValueTask.CompletedTask;
    }

    private static bool IsSignInPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<SignInRateLimitAttribute>() is not null;

    private static string? SignInAccount(HttpContext context)
    {
        // Only the form read above; the partition callback must not read the body synchronously.
        if (context.Features.Get<IFormFeature>()?.Form is not { } form) return null;
        var email = form[SignInEmailField].ToString().Trim();
        // Identity looks accounts up by the upper-cased email, so "Mia@x" and "mia@x" share one partition.
        return email.Length == 0 ? null : email.ToUpperInvariant();
    }

    /// <summary>
    /// The connection's address, which UseForwardedHeaders has already replaced with the proxy's client IP. An IPv6
    /// client usually holds a whole /64, so its partition is the /64, not one of its countless addresses.
    /// </summary>
    private static string ClientIp(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress;
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string UserKey(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? $"user:{id}" : $"ip:{ClientIp(context)}";

    private static RateLimitPartition<string> PostsOnly(HttpContext context, Func<RateLimitPartition<string>> partition) =>
        HttpMethods.IsPost(context.Request.Method) ? partition() : RateLimitPartition.GetNoLimiter("");

    private static RateLimitPartition<string> Window(string key, int permits, int seconds) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromSeconds(seconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}

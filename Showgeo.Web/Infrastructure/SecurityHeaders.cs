namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Headers every response carries. The Content-Security-Policy allows scripts only from this origin (no inline script,
/// no eval: htmx's allowEval is off in the layout), images also as data: URIs (the wallet's QR codes), and no framing.
/// See https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    // Geolocation for discovery's "near me"; camera and microphone stay off until a page that streams asks for them.
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()";

    private static readonly object StreamingKey = new();

    /// <summary>
    /// The watch and studio pages connect to LiveKit (<paramref name="liveKitUrl"/>, ws(s) and its http(s) twin),
    /// play remote media from blob:/mediastream: URLs and use the camera and microphone. Only those pages call this;
    /// every other response keeps the policy above.
    /// </summary>
    public static void AllowStreaming(HttpContext context, string? liveKitUrl) =>
        context.Items[StreamingKey] = StreamingPolicy(liveKitUrl);

    public static string StreamingPolicy(string? liveKitUrl)
    {
        var connect = "'self'";
        if (Uri.TryCreate(liveKitUrl, UriKind.Absolute, out var u) && u.Scheme is "ws" or "wss" or "http" or "https")
        {
            var secure = u.Scheme is "wss" or "https";
            var hostPort = u.IsDefaultPort ? u.Host : $"{u.Host}:{u.Port}";
            connect += $" {(secure ? "wss" : "ws")}://{hostPort} {(secure ? "https" : "http")}://{hostPort}";
        }
        return ContentSecurityPolicy
            .Replace("media-src 'self'", "media-src 'self' blob: mediastream:", StringComparison.Ordinal)
            .Replace("connect-src 'self'", "connect-src " + connect, StringComparison.Ordinal);
    }

    public const string StreamingPermissionsPolicy = "camera=(self), microphone=(self), geolocation=(self), payment=(), usb=()";

    public static WebApplication UseShowgeoSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                var streaming = context.Items[StreamingKey] as string;
                headers.ContentSecurityPolicy = streaming ?? ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = streaming is null ? PermissionsPolicy : StreamingPermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}

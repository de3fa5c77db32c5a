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

    public static WebApplication UseShowgeoSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}

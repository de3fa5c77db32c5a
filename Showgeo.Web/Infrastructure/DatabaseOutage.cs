using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// The one rule for "PostgreSQL cannot be reached right now": such a failure is answered 503 with
/// <c>Retry-After</c> instead of 500, and the connection pool is emptied so the first requests after the database
/// comes back open fresh connections instead of finding dead ones. Recurring jobs use the same test to skip a tick
/// with a warning; the outbox dispatcher already retries (and its listener reconnects) on any Npgsql failure.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>What a 503 tells clients (and Render's health checks) to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when <paramref name="exception"/>, or one it wraps (EF Core wraps Npgsql's in DbUpdateException or
    /// InvalidOperationException), says the server could not be reached or went away: refused or broken sockets,
    /// timeouts, an exhausted pool, and server states that mean "not now" (connection exceptions, class 08; shutdown
    /// and start-up, 57P01-57P03; too many connections, 53300). Errors a retry cannot fix (a constraint, bad SQL, a
    /// serialization conflict) are not outages. See https://www.postgresql.org/docs/current/errcodes-appendix.html.
    /// </summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                           || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                               or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    return aggregate.InnerExceptions.All(IsOutage);
            }
        }
        return false;
    }

    public static void SetRetryAfter(HttpResponse response) =>
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Outermost guard: an outage that escapes the friendly error page (in Development, where the developer exception
    /// page stands in for it, or when re-rendering the error page itself failed) still gets a 503 with Retry-After and
    /// a small page of its own that needs nothing but this process.
    /// </summary>
    public static WebApplication UseDatabaseOutageFallback(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (IsOutage(ex) && !context.Response.HasStarted)
            {
                context.RequestServices.GetRequiredService<DatabaseOutageHandler>().Observe(ex);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                SetRetryAfter(context.Response);
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(FallbackPage, context.RequestAborted);
            }
        });
        return app;
    }

    private const string FallbackPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable · Showgeo</title></head>
        <body><main><h1>Temporarily unavailable</h1>
        <p>Showgeo is briefly unavailable. Please try again in a few seconds.</p>
        <p><a href="/">Back to Showgeo</a></p></main></body></html>
        """;
}

/// <summary>
/// Runs inside the exception handler before the error page renders: for an outage it empties the connection pool
/// (idle connections to a restarted server are all dead, and would each fail one more request) and logs one short
/// warning instead of a stack trace per request.
/// </summary>
public sealed class DatabaseOutageHandler(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<DatabaseOutageHandler> log) : IExceptionHandler
{
    private long _lastWarningTicks;

    public ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (DatabaseOutage.IsOutage(exception) || RequestConnectionBroke(context))
        {
            Observe(exception);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            DatabaseOutage.SetRetryAfter(context.Response);
        }
        // Not handled: the exception handler goes on to render the error page with the status set here.
        return ValueTask.FromResult(false);
    }

    /// <summary>
    /// A connection can break where Npgsql does not report it (while a finished command's reader is disposed); the
    /// next statement of that transaction then fails with "Transaction is already completed", which on its own
    /// looks like a bug. Seen in a flash sale under <c>pg_ctl stop -m immediate</c>; the request's connection says
    /// what really happened.
    /// </summary>
    private static bool RequestConnectionBroke(HttpContext context) =>
        context.RequestServices.GetService<Data.ShowgeoDb>()?.Database.GetDbConnection() is NpgsqlConnection connection
        && connection.FullState.HasFlag(System.Data.ConnectionState.Broken);

    public void Observe(Exception exception)
    {
        dataSource.Clear();
        // Under load an outage fails hundreds of requests a second; one line every few seconds says the same.
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarningTicks);
        if (now - last >= TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds).Ticks && Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
            log.LogWarning("The database is unreachable ({Error}); answering 503", exception.GetBaseException().Message);
    }
}

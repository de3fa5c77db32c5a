using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure.Outbox;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// An app instance that reaches its database only through a <see cref="TcpProxy"/> the test can cut, with the outbox
/// probe handlers and a job recorded every second. Arranging and asserting go straight to the database.
/// </summary>
public sealed class OutageApp : OutboxApp
{
    public TcpProxy Proxy { get; private set; } = null!;
    public JobLog Jobs { get; } = new();
    public CapturedLogs Logs { get; } = new();

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        var real = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Showgeo"]);
        Proxy = new TcpProxy(real.Host!, real.Port);
        // A refused connection fails at once; the short timeout bounds any attempt caught mid-cut.
        settings["ConnectionStrings:Showgeo"] = new NpgsqlConnectionStringBuilder(real.ConnectionString)
        {
            Host = "127.0.0.1", Port = Proxy.Port, Timeout = 5, CommandTimeout = 10,
        }.ConnectionString;
    }

    public const string BrokenTransactionPath = "/test-only/broken-transaction";

    /// <summary>What the last statement of <see cref="BrokenTransactionPath"/> threw.</summary>
    public Exception? BrokenTransactionError { get; private set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddProvider(Logs));
        builder.ConfigureServices(s => s
            .AddSingleton(Jobs)
            .AddSingleton<IStartupFilter>(new BrokenTransactionFilter(this))
            .AddRecurringJob<RecordingJob>(RecordingJob.Name, Cadence.Every(TimeSpan.FromSeconds(1))));
    }

    /// <summary>
    /// A request whose connection breaks mid-transaction where the failure is not reported (Npgsql can lose it while
    /// cleaning up a finished reader): the next statement fails with an error that does not itself say "outage".
    /// </summary>
    private sealed class BrokenTransactionFilter(OutageApp outage) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(BrokenTransactionPath, b => b.Run(async context =>
            {
                var db = context.RequestServices.GetRequiredService<ShowgeoDb>();
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.Database.ExecuteSqlRawAsync("SELECT 1");
                outage.Proxy.Cut();
                try { await db.Database.ExecuteSqlRawAsync("SELECT 1"); }
                catch (NpgsqlException) { }
                try
                {
                    await db.Database.ExecuteSqlRawAsync("SELECT 1");
                }
                catch (Exception ex)
                {
                    outage.BrokenTransactionError = ex;
                    throw;
                }
            }));
        };
    }

    public override async Task DisposeAsync()
    {
        Proxy.Restore();
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

public sealed class DatabaseOutageTests(OutageApp app) : IClassFixture<OutageApp>
{
    [Fact]
    public async Task A_transaction_whose_connection_broke_unreported_answers_503_not_500()
    {
        using var client = app.CreateClient();
        try
        {
            var page = await client.GetAsync(OutageApp.BrokenTransactionPath);
            Assert.False(DatabaseOutage.IsOutage(app.BrokenTransactionError), $"The endpoint should fail in a way the exception alone does not classify: {app.BrokenTransactionError}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.Status);
            Assert.NotNull(page.Response.Headers.RetryAfter);
            Assert.Equal("Temporarily unavailable", page.Document.QuerySelector("h1")?.TextContent.Trim());
        }
        finally
        {
            app.Proxy.Restore();
        }
    }

    [Fact]
    public async Task While_the_database_is_cut_pages_answer_503_and_the_same_instance_recovers_without_losing_an_order()
    {
        // The outage warning is written at most once per Retry-After interval per instance: when the other cut in this
        // class ran just before, the warning this test looks for is that one, so only the errors are counted from here.
        var firstEntry = app.Logs.Entries.Count;
        var tickets = await app.EventWithTicketsAsync(capacity: 10);
        var fan = await app.UserAsync(displayName: "Outage Fan");
        using var buyer = await app.SignedInAsync(fan);
        using var hold = await buyer.CheckoutAsync(tickets.Event.Id, Qty(tickets.Type.Id, 2));
        Assert.True(hold.IsRedirect(), "Checkout did not redirect: " + await hold.Content.ReadAsStringAsync());
        var payUrl = hold.Headers.Location!.OriginalString;
        var payPage = await buyer.GetAsync(payUrl);
        // A signed-in visitor: an anonymous view may come from the output cache, which needs no database (or may not,
        // once the cache's listener has lost its connection and emptied the cache).
        using var visitor = await app.SignedInAsync(await app.UserAsync(displayName: "Outage Visitor"));
        var eventPath = $"/events/{tickets.Event.Slug}";
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(eventPath)).Status);
        await Eventually.TrueAsync(() => Task.FromResult(!app.Jobs.Recorded.IsEmpty), "the recurring job to run before the cut");

        app.Proxy.Cut();

        var down = await visitor.GetAsync(eventPath);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds), down.Response.Headers.RetryAfter?.Delta);
        Assert.Equal("Temporarily unavailable", down.Document.QuerySelector("h1")?.TextContent.Trim());
        Assert.NotNull(down.Document.QuerySelector("header.site-header"));
        Assert.DoesNotContain("Npgsql", down.Html);

        var fragment = await visitor.GetAsync(eventPath, htmx: true);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fragment.Status);
        Assert.DoesNotContain("<html", fragment.Html);
        Assert.Contains("Temporarily unavailable", fragment.Html);

        using (var payWhileDown = await buyer.SubmitRawAsync(payPage.Document, "form[action$='handler=Pay']"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, payWhileDown.StatusCode);
            Assert.NotNull(payWhileDown.Headers.RetryAfter);
        }
        using (var ready = await visitor.Http.GetAsync("/readyz"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        // Committed by another instance while this one cannot see the database, so no NOTIFY reaches it.
        var probe = new OutboxProbe(Guid.NewGuid(), OutboxProbe.Ok);
        await app.PublishAsync(probe);
        // Long enough for the dispatcher, its listener and the scheduler to hit the dead connection and retry.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var restoredAt = DateTimeOffset.UtcNow;

        app.Proxy.Restore();

        await Eventually.TrueAsync(async () => (await visitor.GetAsync(eventPath)).Status == HttpStatusCode.OK,
            "the event page to answer 200 again", TimeSpan.FromSeconds(20));
        using (var ready = await visitor.Http.GetAsync("/readyz"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // The buyer retries the payment that failed: one paid order, exactly its two tickets.
        var payAgain = await buyer.GetAsync(payUrl);
        await buyer.SubmitAsync(payAgain.Document, "form[action$='handler=Pay']");
        await using (var db = app.CreateDb())
        {
            var order = await db.Set<Order>().AsNoTracking().SingleAsync(o => o.ReferenceId == tickets.Event.Id);
            Assert.Equal(OrderStatus.Paid, order.Status);
            Assert.Equal(2, await db.Set<Ticket>().CountAsync(t => t.EventId == tickets.Event.Id));
            var type = await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == tickets.Type.Id);
            Assert.Equal(2, type.Sold);
        }

        var delivered = await Eventually.ValueAsync(app.StatusCountsAsync, c => c.GetValueOrDefault(OutboxStatus.Delivered) >= 1,
            "the outbox to deliver the message committed during the outage", TimeSpan.FromSeconds(20));
        Assert.Equal(1, delivered[OutboxStatus.Delivered]);
        Assert.Contains((await ProbeCalls.AllAsync(app.ConnectionString)), c => c.Probe == probe.Id && c.Handler == nameof(SteadyProbeHandler));
        await Eventually.TrueAsync(() => Task.FromResult(app.Jobs.Recorded.Any(r => r.At > restoredAt)),
            "the recurring job to run again after the database came back", TimeSpan.FromSeconds(20));
        // The outage was logged as such, not as a stack of unhandled exceptions per request.
        Assert.DoesNotContain(app.Logs.Entries.Skip(firstEntry), e => e.Level >= LogLevel.Error && e.Category.Contains("ExceptionHandler", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Entries, e => e.Category == typeof(DatabaseOutageHandler).FullName && e.Message.Contains("503"));
    }
}

public sealed class DatabaseOutageRuleTests
{
    private static PostgresException Server(string sqlState) => new("test", "FATAL", "FATAL", sqlState);

    public static TheoryData<string, Exception, bool> Cases() => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111)), true },
        { "broken stream", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), true },
        { "timeout", new NpgsqlException("Timeout", new TimeoutException()), true },
        { "server shutting down", Server(PostgresErrorCodes.AdminShutdown), true },
        { "server starting up", Server(PostgresErrorCodes.CannotConnectNow), true },
        { "connection failure", Server(PostgresErrorCodes.ConnectionFailure), true },
        { "too many connections", Server(PostgresErrorCodes.TooManyConnections), true },
        { "wrapped by EF", new DbUpdateException("save failed", new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))), true },
        { "unique violation", Server(PostgresErrorCodes.UniqueViolation), false },
        { "serialization failure", Server(PostgresErrorCodes.SerializationFailure), false },
        { "wrapped constraint", new DbUpdateException("save failed", Server(PostgresErrorCodes.ForeignKeyViolation)), false },
        { "not the database", new InvalidOperationException("bug"), false },
        { "plain timeout", new TimeoutException(), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_failures_to_reach_the_server_count_as_an_outage(string what, Exception exception, bool outage)
    {
        Assert.True(DatabaseOutage.IsOutage(exception) == outage, $"{what}: expected IsOutage = {outage}");
    }
}

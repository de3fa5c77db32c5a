using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;
using Showgeo.Web.Tests.Infrastructure.Outbox;

namespace Showgeo.Web.Tests.Features.Admin;

/// <summary>The app with the outbox probe handlers, so a test can dead-letter a message for the admin page to show.</summary>
public sealed class OutboxAdminApp() : OutboxApp("admin");

public sealed class OutboxPageTests(OutboxAdminApp app) : IClassFixture<OutboxAdminApp>
{
    [Fact]
    public async Task A_dead_lettered_message_is_listed_for_admins_only_and_sending_it_again_retries_it()
    {
        var probe = new OutboxProbe(Guid.NewGuid(), OutboxProbe.FailAlways);
        await app.PublishAsync(probe);
        await Eventually.TrueAsync(async () => (await app.StatusCountsAsync()).GetValueOrDefault(OutboxStatus.Dead) == 1, "the probe to be dead-lettered");

        using var admin = await app.SignedInAsync(await app.UserAsync(displayName: "Ada Admin", admin: true));
        var page = await admin.GetAsync("/admin/outbox");
        var row = page.Document.QuerySelector("#outbox-dead article")!;
        Assert.Contains(nameof(OutboxProbe), row.TextContent);
        Assert.Contains($"probe {probe.Id} failed on attempt 3", row.TextContent);

        using var retried = await admin.SubmitRawAsync(page.Document, "#outbox-dead form");
        Assert.True(retried.IsRedirect());
        await Eventually.TrueAsync(async () => (await ProbeCalls.AllAsync(app.ConnectionString)).Count(c => c.Probe == probe.Id && c.Handler == nameof(FlakyProbeHandler)) == 6,
            "three more attempts after the retry");
        await Eventually.TrueAsync(async () => (await app.StatusCountsAsync()).GetValueOrDefault(OutboxStatus.Dead) == 1, "dead again");

        using var visitor = app.CreateClient();
        using var signIn = await visitor.Http.GetAsync("/admin/outbox");
        Assert.Contains("/account/login", signIn.Headers.Location?.ToString());
        using var fan = await app.SignedInAsync(await app.UserAsync(displayName: "Fay Fan"));
        using var denied = await fan.Http.GetAsync("/admin/outbox");
        Assert.Contains("/account/access-denied", denied.Headers.Location?.ToString());
        using var deniedPost = await fan.Http.PostAsync($"/admin/outbox?handler=Retry&id={probe.Id}", new FormUrlEncodedContent([]));
        Assert.NotEqual(System.Net.HttpStatusCode.OK, deniedPost.StatusCode);
        Assert.Equal(1, (await app.StatusCountsAsync()).GetValueOrDefault(OutboxStatus.Dead));
    }
}

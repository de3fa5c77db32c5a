using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.ClientAddresses;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class RegisterRateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Registrations_beyond_the_per_ip_limit_get_429_and_create_no_account()
    {
        for (var n = 1; n <= RateLimitedApp.RegisterPerIp; n++)
        {
            using var client = app.CreateClient().From("203.0.113.20");
            Assert.NotNull((await client.RegisterAsync($"reg-{n}@example.com", "long-enough-pw", $"Reg {n}")).Document.QuerySelector("[data-testid=user-name]"));
        }

        using var refusedClient = app.CreateClient().From("203.0.113.20");
        var refused = await refusedClient.RegisterAsync("reg-over@example.com", "long-enough-pw", "Over");
        await AssertTooManyAsync(refused.Response);

        using var elsewhere = app.CreateClient().From("203.0.113.21");
        Assert.NotNull((await elsewhere.RegisterAsync("reg-elsewhere@example.com", "long-enough-pw", "Else")).Document.QuerySelector("[data-testid=user-name]"));

        await using var db = app.CreateDb();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "reg-over@example.com"));
        Assert.True(await db.Users.AnyAsync(u => u.Email == "reg-elsewhere@example.com"));
    }
}

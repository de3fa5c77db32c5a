using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.ClientAddresses;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class SignInRateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    private const string WrongPasswordMessage = "The email or password is not right.";

    [Fact]
    public async Task Sign_in_attempts_beyond_the_per_ip_limit_get_429_with_retry_after_and_the_page()
    {
        await app.UserAsync("ip-limit@example.com", "Ivy");
        using var client = app.CreateClient().From("203.0.113.10");
        // Different accounts, so only the address is common to the attempts.
        for (var attempt = 1; attempt <= RateLimitedApp.SignInPerIp; attempt++)
            Assert.Contains(WrongPasswordMessage, (await client.SignInAsync($"nobody-{attempt}@example.com", "wrong-password")).Text);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var refused = await client.SignInAsync("ip-limit@example.com", Arrange.Password);
            await AssertTooManyAsync(refused.Response);
            Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "showgeo.auth");
        }

        // Reading the sign-in page is not limited, and another address signs in as usual.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).Status);
        using var elsewhere = app.CreateClient().From("203.0.113.11");
        Assert.NotNull((await elsewhere.SignInAsync("ip-limit@example.com", Arrange.Password)).Document.QuerySelector("[data-testid=user-name]"));
    }

    [Fact]
    public async Task Attempts_on_one_account_from_many_addresses_hit_the_account_limit()
    {
        await app.UserAsync("other-account@example.com", "Otto");
        for (var attempt = 1; attempt <= RateLimitedApp.SignInPerAccount; attempt++)
        {
            using var attacker = app.CreateClient().From($"198.51.100.{attempt}");
            Assert.Contains(WrongPasswordMessage, (await attacker.SignInAsync("Target-Nobody@example.com", $"guess-{attempt}-xx")).Text);
        }

        using var fresh = app.CreateClient().From("198.51.100.200");
        // Same account, spelled differently, from an address that has made no attempt.
        await AssertTooManyAsync((await fresh.SignInAsync(" target-nobody@EXAMPLE.com", "guess-x")).Response);
        // The address itself is not blocked: another account signs in from it.
        Assert.NotNull((await fresh.SignInAsync("other-account@example.com", Arrange.Password)).Document.QuerySelector("[data-testid=user-name]"));
    }

    [Fact]
    public async Task An_attacker_address_is_stopped_before_lockout_so_the_victim_still_signs_in_from_elsewhere()
    {
        await app.UserAsync("victim@example.com", "Vic");
        using var attacker = app.CreateClient().From("192.0.2.66");
        for (var attempt = 1; attempt <= RateLimitedApp.SignInPerIp; attempt++)
            Assert.Contains(WrongPasswordMessage, (await attacker.SignInAsync("victim@example.com", $"guess-{attempt}-xx")).Text);
        for (var attempt = 0; attempt < 10; attempt++)
            await AssertTooManyAsync((await attacker.SignInAsync("victim@example.com", $"more-{attempt}-xx")).Response);

        await using (var db = app.CreateDb())
        {
            var row = await db.Users.AsNoTracking().SingleAsync(u => u.Email == "victim@example.com");
            Assert.Null(row.LockoutEnd);
            Assert.Equal(RateLimitedApp.SignInPerIp, row.AccessFailedCount);
        }

        using var victim = app.CreateClient().From("192.0.2.7");
        var signedIn = await victim.SignInAsync("victim@example.com", Arrange.Password);
        Assert.Equal("Vic", signedIn.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
    }

    [Fact]
    public async Task An_ipv6_client_is_limited_by_its_64_prefix()
    {
        for (var attempt = 1; attempt <= RateLimitedApp.SignInPerIp; attempt++)
        {
            using var client = app.CreateClient().From($"2001:db8:1:1::{attempt:x}");
            Assert.Contains(WrongPasswordMessage, (await client.SignInAsync($"v6-{attempt}@example.com", "wrong-password")).Text);
        }
        using var samePrefix = app.CreateClient().From("2001:db8:1:1:ffff::1");
        await AssertTooManyAsync((await samePrefix.SignInAsync("v6-next@example.com", "wrong-password")).Response);
        using var otherPrefix = app.CreateClient().From("2001:db8:1:2::1");
        Assert.Contains(WrongPasswordMessage, (await otherPrefix.SignInAsync("v6-next@example.com", "wrong-password")).Text);
    }

    [Fact]
    public async Task A_sign_in_form_the_server_cannot_read_gets_400_not_500()
    {
        using var client = app.CreateClient().From("203.0.113.90");
        var login = await client.GetAsync("/account/login");
        // More fields than ASP.NET Core's form reader accepts (1024).
        var fields = Enumerable.Range(0, 1100).ToDictionary(i => $"f{i}", i => "x");
        using var response = await client.PostAsync("/account/login", login.Document, fields);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Bad request", await response.Content.ReadAsStringAsync());
    }
}

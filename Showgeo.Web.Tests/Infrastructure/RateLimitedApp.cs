namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// The app with small rate limits (sign-in per IP at the production value, the rest a few requests) and its own asset
/// store. Limit windows stay long, so a test never sees a window roll over; tests keep apart by client IP, email and user.
/// </summary>
public sealed class RateLimitedApp : ShowgeoApp, IAsyncLifetime
{
    public const int SignInPerIp = 4;
    public const int SignInPerAccount = 6;
    public const int RegisterPerIp = 3;
    public const int CheckoutPerUser = 3;
    public const int UploadPerUser = 2;

    private readonly string _assets = Path.Combine(Path.GetTempPath(), "showgeo-assets-" + Guid.NewGuid().ToString("N"));

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Assets:Root"] = _assets;
        settings["RateLimits:SignInPerIpPermitLimit"] = SignInPerIp.ToString();
        settings["RateLimits:SignInPerAccountPermitLimit"] = SignInPerAccount.ToString();
        settings["RateLimits:RegisterPerIpPermitLimit"] = RegisterPerIp.ToString();
        settings["RateLimits:CheckoutPerUserPermitLimit"] = CheckoutPerUser.ToString();
        settings["RateLimits:UploadPerUserPermitLimit"] = UploadPerUser.ToString();
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(_assets)) Directory.Delete(_assets, recursive: true);
    }
}

public static class ClientAddresses
{
    /// <summary>
    /// Makes every request of this client arrive as if from <paramref name="ip"/>: the app trusts X-Forwarded-For from
    /// its proxy (here loopback), so the rate limiter partitions by this address.
    /// </summary>
    public static WebClient From(this WebClient client, string ip)
    {
        client.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return client;
    }

    /// <summary>Asserts the "Too many attempts" reply: 429, a Retry-After in seconds, and the page naming the same wait.</summary>
    public static async Task<int> AssertTooManyAsync(HttpResponseMessage response, bool fragment = false)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        var seconds = (int)retryAfter.Value.TotalSeconds;
        Assert.True(seconds >= 1, $"Retry-After was {seconds}");
        Assert.Contains($"Too many attempts, try again in {seconds} seconds.", html);
        if (fragment) Assert.DoesNotContain("<html", html);
        else Assert.Contains("<html", html);
        return seconds;
    }
}

using Microsoft.Playwright;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// One Debian Chromium per test run, driven by Microsoft.Playwright 1.64 through ExecutablePath.
/// Each test gets a fresh context; on failure a screenshot and trace land in artifacts/playwright.
/// </summary>
public static class Browser
{
    private static readonly Lazy<Task<IBrowser>> Instance = new(LaunchAsync);

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("SHOWGEO_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    private static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium not found at {ExecutablePath}. Run the tests through .ci/test, which installs Debian's chromium.");
        var playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // The build machines have no outbound network; background fetches only add noise and delay.
            Args = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
        });
    }

    /// <summary>Runs a test body in a new browser context against <paramref name="baseAddress"/>.</summary>
    public static async Task RunAsync(Uri baseAddress, Func<IPage, Task> body, bool javaScriptEnabled = true,
        [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        var browser = await Instance.Value;
        await using var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            JavaScriptEnabled = javaScriptEnabled,
            Geolocation = null,
        });
        context.SetDefaultTimeout(15_000);
        await context.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true });
        var page = await context.NewPageAsync();
        try
        {
            await body(page);
            await context.Tracing.StopAsync();
        }
        catch
        {
            var dir = Path.Combine(RepoRoot(), "artifacts", "playwright");
            Directory.CreateDirectory(dir);
            var name = $"{testName}-{(javaScriptEnabled ? "js" : "nojs")}";
            try
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
                await context.Tracing.StopAsync(new() { Path = Path.Combine(dir, name + ".zip") });
            }
            catch (PlaywrightException) { }
            throw;
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Showgeo.sln"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}

using Microsoft.Playwright;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Streaming;

/// <summary>
/// The studio in a Chromium of its own, launched with Chromium's fake camera and microphone (and its permission prompt
/// answered yes): the preview asks for the devices and shows a playing local video track.
/// </summary>
public sealed class StudioBrowserTests(StreamPagesApp app) : IClassFixture<StreamPagesApp>
{
    [Fact]
    public async Task Studio_asks_for_the_camera_and_shows_the_local_preview()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: EventPhase.Pre);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Browser.ExecutablePath,
            Headless = true,
            Args = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-gpu"],
        });
        await using var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        await context.GrantPermissionsAsync(["camera", "microphone"], new() { Origin = app.BaseAddress.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.PageError += (_, e) => errors.Enqueue(e);
        await page.SignInAsync(owner);
        await page.GotoAsync($"/events/{ev.Slug}/studio");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start camera preview" }).ClickAsync();
        await page.WaitForFunctionAsync("""
            () => { const v = document.querySelector('[data-preview] video');
                    return v && v.srcObject && v.srcObject.getVideoTracks().some(t => t.readyState === 'live') && v.readyState >= 2 && !v.paused; }
            """, null, new() { Timeout = 30_000, PollingInterval = 100 });
        await Expect(page.Locator("[data-studio-status]")).ToContainTextAsync("Preview on");
        await Expect(page.Locator("[data-camera-picker] option").First).ToBeAttachedAsync();
        Assert.Empty(errors);
    }
}

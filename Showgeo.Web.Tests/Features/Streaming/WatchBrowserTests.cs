using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Features.Assets;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Streaming;

/// <summary>The watch page in Chromium without LiveKit settings: the plain sentence instead of a player, no SDK loaded; a premiere plays.</summary>
public sealed class WatchUnconfiguredBrowserTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    [Fact]
    public async Task Watch_page_of_a_live_event_without_LiveKit_says_so_and_loads_no_livekit_script()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: EventPhase.Live, isFree: true, startsAt: DateTimeOffset.UtcNow.AddMinutes(-5));
        await using (var db = app.CreateDb())
            await db.Set<Event>().Where(e => e.Id == ev.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.IsOnline, true));
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
            page.Request += (_, r) => requests.Enqueue(r.Url);
            await page.GotoAsync($"/events/{ev.Slug}");
            await page.GetByTestId("watch-link").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/events/{ev.Slug}/watch$"));
            await Expect(page.GetByTestId("stream-not-configured")).ToHaveTextAsync(StreamingMessages.NotConfigured);
            await Expect(page.Locator("#chat")).ToBeVisibleAsync();
            Assert.DoesNotContain(requests, u => u.Contains("livekit", StringComparison.OrdinalIgnoreCase));
        });
    }

    [Fact]
    public async Task Premiere_plays_its_video_from_where_the_premiere_is_now()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await StreamArrange.PremiereAsync(app, entity.Id, owner.Id, DateTimeOffset.UtcNow.AddSeconds(-8), EventPhase.Live);
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync($"/events/{ev.Slug}/watch");
            var video = page.GetByTestId("premiere-video");
            await Expect(video).ToBeVisibleAsync();
            // A late joiner starts about eight seconds in, and the video keeps playing from there.
            await page.WaitForFunctionAsync("() => { const v = document.querySelector('video[data-premiere-offset]'); return v && v.readyState >= 2 && v.currentTime >= 5; }",
                null, new() { Timeout = 30_000, PollingInterval = 100 });
            var first = await video.EvaluateAsync<double>("v => v.currentTime");
            await page.WaitForFunctionAsync("t => document.querySelector('video[data-premiere-offset]').currentTime > t + 0.3", first,
                new() { Timeout = 30_000, PollingInterval = 100 });
            Assert.DoesNotContain(await page.EvaluateAsync<string[]>("() => [...document.scripts].map(s => s.src)"),
                s => s.Contains("livekit", StringComparison.OrdinalIgnoreCase));
        });
    }

    [Fact]
    public async Task Premiere_before_its_start_shows_the_countdown_and_without_javascript_the_video_needs_no_script()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var later = await StreamArrange.PremiereAsync(app, entity.Id, owner.Id, DateTimeOffset.UtcNow.AddHours(2), EventPhase.Pre);
        var now = await StreamArrange.PremiereAsync(app, entity.Id, owner.Id, DateTimeOffset.UtcNow.AddSeconds(-3), EventPhase.Live);
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync($"/events/{later.Slug}/watch");
            await Expect(page.GetByTestId("countdown")).ToContainTextAsync("Starts in");
            Assert.Equal(0, await page.GetByTestId("premiere-video").CountAsync());
        });
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.GotoAsync($"/events/{now.Slug}/watch");
            await Expect(page.GetByTestId("premiere-video")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^/assets/"));
            await Expect(page.Locator("#chat")).ToBeVisibleAsync();
        }, javaScriptEnabled: false);
    }
}

/// <summary>With LiveKit pointed at the loopback fake: the watch page fetches a token and opens the signalling socket with it.</summary>
public sealed class WatchLiveKitBrowserTests(StreamPagesApp app) : IClassFixture<StreamPagesApp>
{
    [Fact]
    public async Task Watch_page_fetches_a_viewer_token_and_connects_to_LiveKit_with_it()
    {
        var owner = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(owner.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: EventPhase.Live, isFree: true, startsAt: DateTimeOffset.UtcNow.AddMinutes(-5));
        var room = StreamRooms.RoomName(ev.Id);
        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            var tokenAnswer = page.WaitForResponseAsync(r => r.Url.EndsWith($"/events/{ev.Slug}/stream/token", StringComparison.Ordinal));
            await page.GotoAsync($"/events/{ev.Slug}/watch");
            Assert.Equal(200, (await tokenAnswer).Status);
            await Eventually.TrueAsync(() => Task.FromResult(app.LiveKit.SignalTokens.Any(t => IsViewerTokenFor(t, room))),
                "the fake LiveKit to see a WebSocket upgrade carrying a valid viewer token for the event's room", TimeSpan.FromSeconds(30));
            Assert.Contains(await page.EvaluateAsync<string[]>("() => [...document.scripts].map(s => s.src)"),
                s => s.EndsWith("/lib/livekit-client/livekit-client.umd.js", StringComparison.Ordinal));
        });
    }

    private static bool IsViewerTokenFor(string token, string room)
    {
        if (StagePagesFakeLiveKit.Verify(token) is not { } claims || !claims.TryGetProperty("video", out var video)) return false;
        var publishes = video.TryGetProperty("canPublish", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.True;
        return video.GetProperty("room").GetString() == room && !publishes;
    }
}

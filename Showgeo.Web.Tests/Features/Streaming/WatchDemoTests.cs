using System.Net;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Data;

namespace Showgeo.Web.Tests.Features.Streaming;

/// <summary>The demo's streams, as the README promises them on a server without LiveKit settings.</summary>
public sealed class WatchDemoTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Watch_demo_live_event_says_streaming_is_not_configured_and_the_demo_premiere_plays_its_video()
    {
        using var client = app.CreateClient();
        var live = await client.GetAsync($"/events/{StreamPagesDemoData.LiveSlug}/watch");
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal(StreamingMessages.NotConfigured, live.Document.QuerySelector("[data-testid=stream-not-configured]")?.TextContent);
        Assert.NotNull(live.Document.QuerySelector("#chat"));

        var premiere = await client.GetAsync($"/events/{StreamPagesDemoData.PremiereSlug}/watch");
        var video = premiere.Document.QuerySelector("video[data-testid=premiere-video]");
        Assert.NotNull(video);
        using var file = await client.Http.GetAsync(video!.GetAttribute("src"));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("video/webm", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(StreamArrange.PremiereVideo().Length, (await file.Content.ReadAsByteArrayAsync()).Length);
    }
}

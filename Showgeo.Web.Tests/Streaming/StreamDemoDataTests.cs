using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Data;

namespace Showgeo.Web.Tests.Streaming;

public sealed class StreamDemoDataTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Stream_demo_manager_sees_the_past_shows_viewer_chart()
    {
        using var manager = app.CreateClient();
        await manager.SignInAsync(DemoData.ManagerEmail, DemoData.Password);
        await using var db = app.CreateDb();
        var porto = await db.Set<Event>().Where(e => e.Slug == "luna-waves-porto").Select(e => e.Id).SingleAsync();
        var page = await manager.GetAsync($"/manage/luna-waves/events/{porto}/stream");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("60", page.Document.QuerySelector("[data-testid=unique-viewers]")!.TextContent);
        Assert.NotNull(page.Document.QuerySelector("#stream-viewers svg polyline"));
    }
}

using Showgeo.Web.Data;
using Showgeo.Web.Tests.Data;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Posts;

public sealed class PostsDemoDataTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task The_demo_fan_reads_luna_waves_posts_with_a_thread_and_meets_a_locked_members_post_elsewhere()
    {
        using var fan = app.CreateClient();
        await fan.SignInAsync(DemoData.FanEmail, DemoData.Password);
        var feed = await fan.GetAsync("/me/feed");
        var cards = feed.Document.QuerySelectorAll("#feed [data-testid=post-card]");
        Assert.Equal(3, cards.Length);
        Assert.All(cards, c => Assert.Null(c.QuerySelector(".post-locked")));

        var news = cards.First(c => c.TextContent.Contains("See you at"));
        var post = await fan.GetAsync(news.QuerySelector("h3 a")!.GetAttribute("href")!);
        Assert.NotNull(post.Document.QuerySelector("[data-testid=comment-threads] li[data-depth='2']"));
        Assert.Equal("Supporter", post.Document.QuerySelector("[data-testid=member-badge]")?.TextContent);

        var foundry = await fan.GetAsync("/e/the-foundry");
        var locked = foundry.Document.QuerySelectorAll("#posts [data-testid=post-card]").Where(c => c.QuerySelector(".post-locked") is not null).ToList();
        Assert.Equal(2, locked.Count);
        Assert.Contains(locked, c => c.TextContent.Contains("members of Supporter or above"));
    }
}

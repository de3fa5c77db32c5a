using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Showgeo.Web.Tests.Features.Notifications;

/// <summary>/me/notifications: newest first, paged, unread marked, mark one and all read — with and without JavaScript.</summary>
public sealed class InboxTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private async Task<List<long>> DirectNoticesAsync(Guid userId, int count)
    {
        var seqs = new List<long>();
        for (var i = 1; i <= count; i++)
            seqs.Add((await app.WithScopeAsync(sp => sp.GetRequiredService<NotificationWriter>().WriteAsync(
                new NewNotification(NotificationKind.TicketPurchased, $"test:{userId}:{i}", $"Notice {i}", $"Body {i}", null) { UserId = userId },
                CancellationToken.None)))!.Value);
        return seqs;
    }

    [Fact]
    public async Task Inbox_pages_newest_first_and_marks_read_with_plain_forms()
    {
        var (client, fan) = await app.SignedInUserAsync();
        await DirectNoticesAsync(fan.Id, NotificationInbox.PageSize + 5);

        var first = await client.GetAsync("/me/notifications");
        var titles = first.Document.QuerySelectorAll(".notification .notification-title").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(NotificationInbox.PageSize, titles.Count);
        Assert.Equal("Notice 25", titles[0]);
        Assert.Equal("Notice 6", titles[^1]);
        Assert.Equal("25 unread", first.Document.QuerySelector("[data-testid=inbox-unread]")!.TextContent);
        Assert.Equal("25", first.Document.QuerySelector("#unread-badge")!.TextContent);

        var older = await client.GetAsync(first.Document.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        Assert.Equal(["Notice 5", "Notice 4", "Notice 3", "Notice 2", "Notice 1"],
            older.Document.QuerySelectorAll(".notification .notification-title").Select(e => e.TextContent.Trim()));
        Assert.Null(older.Document.QuerySelector("a[rel=next]"));

        // Mark one read on the older page: back on that same page, the row no longer unread.
        var row = older.Document.QuerySelectorAll(".notification")[1];
        var id = row.Id!["notification-".Length..];
        var after = await client.SubmitAsync(older.Document, $"#{row.Id} form");
        Assert.Contains("before=", after.Response.RequestMessage!.RequestUri!.Query);
        Assert.DoesNotContain("unread", after.Document.QuerySelector($"#notification-{id}")!.ClassName);
        Assert.Equal("24", after.Document.QuerySelector("#unread-badge")!.TextContent);

        var all = await client.SubmitAsync(after.Document, "form[action*='handler=ReadAll']");
        Assert.Contains("Everything is marked read.", all.Text);
        Assert.Empty(all.Document.QuerySelectorAll(".notification.unread"));
        Assert.Equal("0 unread", all.Document.QuerySelector("[data-testid=inbox-unread]")!.TextContent);
        Assert.True(all.Document.QuerySelector("#unread-badge")!.HasAttribute("hidden"));

        // Newer ones after "mark all" are unread again.
        await app.WithScopeAsync(sp => sp.GetRequiredService<NotificationWriter>().WriteAsync(
            new NewNotification(NotificationKind.RefundIssued, $"test:{fan.Id}:late", "Late one", "", null) { UserId = fan.Id }, CancellationToken.None));
        Assert.Equal(1, await app.UnreadAsync(fan.Id));
    }

    [Fact]
    public async Task Htmx_mark_read_returns_the_row_and_the_badge_out_of_band()
    {
        var (client, fan) = await app.SignedInUserAsync();
        await DirectNoticesAsync(fan.Id, 3);
        var page = await client.GetAsync("/me/notifications");
        var row = page.Document.QuerySelector(".notification.unread")!;

        using var response = await client.SubmitRawAsync(page.Document, $"#{row.Id} form", htmx: true);
        var fragment = Showgeo.Web.Tests.Infrastructure.WebClient.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(fragment.QuerySelector("header"));
        Assert.DoesNotContain("unread", fragment.QuerySelector($"#{row.Id}")!.ClassName);
        var badge = fragment.QuerySelector("#unread-badge")!;
        Assert.Equal("outerHTML", badge.GetAttribute("hx-swap-oob"));
        Assert.Equal("2", badge.TextContent);

        using var all = await client.SubmitRawAsync(page.Document, "form[action*='handler=ReadAll']", htmx: true);
        var list = Showgeo.Web.Tests.Infrastructure.WebClient.Parse(await all.Content.ReadAsStringAsync());
        Assert.NotNull(list.QuerySelector("#inbox"));
        Assert.Empty(list.QuerySelectorAll(".notification.unread"));
        Assert.Equal("0", list.QuerySelector("#unread-badge[hx-swap-oob]")!.GetAttribute("data-count"));
    }

    [Fact]
    public async Task Nobody_reads_another_persons_notice_and_garbage_is_refused()
    {
        var (client, _) = await app.SignedInUserAsync();
        var other = await app.UserAsync();
        await DirectNoticesAsync(other.Id, 1);
        await using var db = app.CreateDb();
        var theirs = db.Set<Notification>().Single(n => n.UserId == other.Id);
        var page = await client.GetAsync("/me/notifications");

        using var read = await client.PostAsync($"/me/notifications?handler=Read&id={theirs.Id}", page.Document);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(1, await app.UnreadAsync(other.Id));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/me/notifications?before=abc")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/me/notifications?before=-4")).Status);
        using var anonymous = app.CreateClient();
        var login = await anonymous.GetAsync("/me/notifications");
        Assert.EndsWith("/account/login", login.Path, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task In_a_browser_the_inbox_marks_read_and_the_badge_follows(bool javaScript)
    {
        var fan = await app.UserAsync(displayName: "Reader");
        await DirectNoticesAsync(fan.Id, 2);

        await Browser.RunAsync(app.BaseAddress, async page =>
        {
            await page.SignInAsync(fan);
            await Expect(page.GetByTestId("unread-badge")).ToHaveTextAsync("2");
            await page.GetByTestId("inbox-link").ClickAsync();
            await Expect(page.Locator(".notification.unread")).ToHaveCountAsync(2);

            await page.GetByRole(AriaRole.Button, new() { Name = "Mark “Notice 2” read" }).ClickAsync();
            await Expect(page.Locator(".notification.unread")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("unread-badge")).ToHaveTextAsync("1");

            await page.GetByRole(AriaRole.Button, new() { Name = "Mark all read" }).ClickAsync();
            await Expect(page.Locator(".notification.unread")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("inbox-unread")).ToHaveTextAsync("0 unread");
            await Expect(page.GetByTestId("unread-badge")).ToBeHiddenAsync();
        }, javaScript);
    }
}

using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>An app with no background work, so the only queries on its database are the requests' own.</summary>
public sealed class QuietApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Scheduling:Enabled"] = "false";
        settings["Outbox:Enabled"] = "false";
        return Task.CompletedTask;
    }
}

/// <summary>The orders list on an event's tickets page: 50 a page, newest first, searchable, refunds from any page.</summary>
public sealed class OrderListTests(QuietApp app) : IClassFixture<QuietApp>
{
    private sealed record Arranged(TicketedEvent Tickets, PlacedOrder Paid, AppUser Unique, Guid UniqueOrderId, List<Guid> NewestFirst);

    /// <summary>
    /// 120 orders: 118 by one buyer, one by a buyer whose email nothing else shares, and one paid through the real
    /// checkout, dated so it sits on page 2 (position 76).
    /// </summary>
    private async Task<Arranged> ArrangeAsync()
    {
        var tickets = await app.EventWithTicketsAsync();
        var paid = await app.PaidOrderAsync(tickets, 2);
        var regular = await app.UserAsync();
        var unique = await app.UserAsync($"zed-{Guid.NewGuid():N}@Example.com");
        var now = DateTimeOffset.UtcNow;
        var bulk = Enumerable.Range(0, 119).Select(i => new Order
        {
            Id = Guid.CreateVersion7(), UserId = i == 7 ? unique.Id : regular.Id, Kind = TicketOrderKind.Name,
            ReferenceId = tickets.Event.Id, Status = OrderStatus.Paid, TotalMinor = 2500, Currency = "EUR", Provider = "local",
            HoldExpiresAt = now, CreatedAt = now.AddMinutes(-i - (i >= 75 ? 1 : 0)), PaidAt = now,
        }).ToList();
        await using var db = app.CreateDb();
        db.AddRange(bulk);
        await db.SaveChangesAsync();
        var paidAt = now.AddMinutes(-75);
        await db.Set<Order>().Where(o => o.Id == paid.Order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.CreatedAt, paidAt));
        var newestFirst = bulk.Select(o => (o.Id, o.CreatedAt)).Append((Id: paid.Order.Id, CreatedAt: paidAt))
            .OrderByDescending(x => x.CreatedAt).Select(x => x.Id).ToList();
        return new Arranged(tickets, paid, unique, bulk[7].Id, newestFirst);
    }

    private static string Url(TicketedEvent t) => $"/manage/{t.Entity.Slug}/events/{t.Event.Id}/tickets";

    private static List<Guid> Rows(AngleSharp.Html.Dom.IHtmlDocument doc) =>
        doc.QuerySelectorAll("table.orders tr[data-order]").Select(r => Guid.Parse(r.GetAttribute("data-order")!)).ToList();

    [Fact]
    public async Task Orders_come_fifty_a_page_newest_first_with_links_that_work_without_javascript()
    {
        var a = await ArrangeAsync();
        using var manager = await app.SignedInAsync(a.Tickets.Manager);

        var page1 = await manager.GetAsync(Url(a.Tickets));
        Assert.Equal(a.NewestFirst.Take(50), Rows(page1.Document));
        Assert.Null(page1.Document.QuerySelector("a[rel=prev]"));
        var next = page1.Document.QuerySelector("a[rel=next]")?.GetAttribute("href");
        Assert.NotNull(next);

        var page2 = await manager.GetAsync(next);
        Assert.Equal(a.NewestFirst.Skip(50).Take(50), Rows(page2.Document));
        Assert.Contains(a.Paid.Order.Id, Rows(page2.Document));
        var page3 = await manager.GetAsync(page2.Document.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        Assert.Equal(a.NewestFirst.Skip(100), Rows(page3.Document));
        Assert.Equal(20, Rows(page3.Document).Count);
        Assert.Null(page3.Document.QuerySelector("a[rel=next]"));
        var back = await manager.GetAsync(page3.Document.QuerySelector("a[rel=prev]")!.GetAttribute("href")!);
        Assert.Equal(Rows(page2.Document), Rows(back.Document));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await manager.Http.GetAsync(Url(a.Tickets) + "?page=0")).StatusCode);
    }

    [Fact]
    public async Task Search_finds_a_buyers_order_by_any_part_of_the_email_in_any_case_or_by_order_id_prefix()
    {
        var a = await ArrangeAsync();
        using var manager = await app.SignedInAsync(a.Tickets.Manager);
        var page = await manager.GetAsync(Url(a.Tickets));

        var byEmail = await manager.SubmitAsync(page.Document, "#order-search",
            new Dictionary<string, string> { ["q"] = a.Unique.Email!.Split('@')[0][^10..].ToUpperInvariant() + "@EXAMPLE" });
        Assert.Equal([a.UniqueOrderId], Rows(byEmail.Document));
        Assert.Null(byEmail.Document.QuerySelector("a[rel=next]"));

        // Version 7 ids share their leading (time) digits, so a buyer reads out more than the first group.
        var byId = await manager.GetAsync(Url(a.Tickets) + "?q=" + a.Paid.Order.Id.ToString()[..23].ToUpperInvariant());
        Assert.Equal([a.Paid.Order.Id], Rows(byId.Document));

        var none = await manager.GetAsync(Url(a.Tickets) + "?q=" + Uri.EscapeDataString("%"));
        Assert.Empty(Rows(none.Document));
        Assert.NotNull(none.Document.QuerySelector("[data-testid=no-orders]"));
    }

    [Fact]
    public async Task Refund_from_page_two_refunds_the_order_and_returns_to_page_two()
    {
        var a = await ArrangeAsync();
        using var manager = await app.SignedInAsync(a.Tickets.Manager);
        var page1 = await manager.GetAsync(Url(a.Tickets));
        var page2 = await manager.GetAsync(page1.Document.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        var form = $"tr[data-order='{a.Paid.Order.Id}'] form[action*='handler=RefundOrder']";

        using var response = await manager.SubmitRawAsync(page2.Document, form);
        Assert.True(response.IsRedirect());
        var after = await manager.FollowAsync(response);

        Assert.Contains("page=2", after.Response.RequestMessage!.RequestUri!.Query);
        Assert.Equal(Rows(page2.Document), Rows(after.Document));
        Assert.Equal("Refunded", after.Document.QuerySelector($"tr[data-order='{a.Paid.Order.Id}'] td:nth-child(4)")?.TextContent.Trim());
        await using var db = app.CreateDb();
        Assert.Equal(OrderStatus.Refunded, await db.Set<Order>().Where(o => o.Id == a.Paid.Order.Id).Select(o => o.Status).SingleAsync());
        Assert.All(await db.Set<Ticket>().Where(t => t.OrderId == a.Paid.Order.Id).ToListAsync(), t => Assert.Equal(TicketStatus.Refunded, t.Status));
    }

    [Fact]
    public async Task Refund_with_htmx_from_a_search_swaps_in_the_same_filtered_list()
    {
        var a = await ArrangeAsync();
        using var manager = await app.SignedInAsync(a.Tickets.Manager);
        var found = await manager.GetAsync(Url(a.Tickets) + "?q=" + a.Paid.Order.Id);
        var form = $"tr[data-order='{a.Paid.Order.Id}'] form[action*='handler=RefundOrder']";

        using var response = await manager.SubmitRawAsync(found.Document, form, htmx: true);
        var fragment = WebClient.Parse(await response.Content.ReadAsStringAsync());

        Assert.Null(fragment.QuerySelector("header.site-header"));
        Assert.Equal([a.Paid.Order.Id], Rows(fragment));
        Assert.Equal("Refunded", fragment.QuerySelector($"tr[data-order='{a.Paid.Order.Id}'] td:nth-child(4)")?.TextContent.Trim());
    }

    [Fact]
    public async Task Every_page_of_orders_costs_the_same_number_of_queries()
    {
        var a = await ArrangeAsync();
        await using (var db = app.CreateDb())
        {
            // Tickets on every listed order, so the per-order ticket lists have something to load.
            var orders = await db.Set<Order>().Where(o => o.ReferenceId == a.Tickets.Event.Id && o.Id != a.Paid.Order.Id).Select(o => new { o.Id, o.UserId }).ToListAsync();
            db.AddRange(orders.Select((o, i) => new Ticket
            {
                Id = Guid.CreateVersion7(), OrderId = o.Id, TicketTypeId = a.Tickets.Type.Id, EventId = a.Tickets.Event.Id,
                UserId = o.UserId, Code = $"bulk-{i}-{Guid.NewGuid():N}", Status = TicketStatus.Valid, PriceMinor = 2500,
                CreatedAt = DateTimeOffset.UtcNow,
            }));
            await db.SaveChangesAsync();
        }
        using var manager = await app.SignedInAsync(a.Tickets.Manager);
        await manager.GetAsync(Url(a.Tickets));

        var counts = new List<int>();
        foreach (var url in new[] { Url(a.Tickets), Url(a.Tickets) + "?page=2", Url(a.Tickets) + "?page=3", Url(a.Tickets) + "?q=zed-" })
        {
            using var counter = new SqlCommandCounter(app.ConnectionString);
            var page = await manager.GetAsync(url);
            Assert.NotEmpty(Rows(page.Document));
            counts.Add(counter.Count);
        }

        Assert.All(counts, c => Assert.Equal(counts[0], c));
        // The layout adds its own few (unread count, stream position, cart badge) to every signed-in page.
        Assert.InRange(counts[0], 1, 12);
    }
}

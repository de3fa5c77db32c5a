using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Tickets;

/// <summary>A smaller pool than the default so this class leaves PostgreSQL connections for the other test classes.</summary>
public sealed class FlashSaleApp : ShowgeoApp
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Showgeo"] = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Showgeo"]) { MaxPoolSize = 20 }.ConnectionString;
        return Task.CompletedTask;
    }
}

public sealed class FlashSaleTests(FlashSaleApp app) : IClassFixture<FlashSaleApp>
{
    [Fact]
    public async Task Two_hundred_concurrent_buyers_for_fifty_seats_get_exactly_fifty_tickets_and_everyone_else_sold_out()
    {
        const int buyers = 200, seats = 50;
        var a = await app.EventWithTicketsAsync(capacity: seats, maxPerOrder: 1);
        var emails = Enumerable.Range(0, buyers).Select(i => $"rush{i}@example.com").ToArray();
        var users = new List<AppUser>();
        foreach (var chunk in emails.Chunk(20)) users.AddRange(await Task.WhenAll(chunk.Select(e => app.UserAsync(e))));
        var clients = new List<WebClient>();
        foreach (var chunk in users.Chunk(10)) clients.AddRange(await Task.WhenAll(chunk.Select(app.SignedInAsync)));
        var forms = await Task.WhenAll(clients.Select(c => c.GetAsync($"/checkout/{a.Event.Id}")));

        using var start = new SemaphoreSlim(0);
        var attempts = clients.Select(async (client, i) =>
        {
            await start.WaitAsync();
            var response = await client.SubmitRawAsync(forms[i].Document, "#ticket-form", Qty(a.Type.Id, 1));
            if (response.IsRedirect())
            {
                var pay = await client.GetAsync(response.Headers.Location!.ToString());
                await client.SubmitAsync(pay.Document, "form[action$='handler=Pay']");
                return "bought";
            }
            var html = await response.Content.ReadAsStringAsync();
            return html.Contains("data-outcome=\"sold-out\"") ? "sold-out" : "other: " + html;
        }).ToList();
        start.Release(buyers);
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(seats, outcomes.Count(o => o == "bought"));
        Assert.Equal(buyers - seats, outcomes.Count(o => o == "sold-out"));
        await using var db = app.CreateDb();
        Assert.Equal(seats, await db.Set<Ticket>().CountAsync(t => t.EventId == a.Event.Id));
        var type = await db.Set<TicketType>().SingleAsync(t => t.Id == a.Type.Id);
        Assert.Equal((seats, 0), (type.Sold, type.Held));
        Assert.Equal(seats, await db.Set<Order>().CountAsync(o => o.ReferenceId == a.Event.Id && o.Status == OrderStatus.Paid));
        foreach (var c in clients) c.Dispose();
    }
}

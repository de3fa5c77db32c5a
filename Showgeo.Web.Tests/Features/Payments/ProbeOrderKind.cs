using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>
/// A kind of order that only tests know: if Payments can hold, take payment for, release and refund it through the
/// test-payment page and the Stripe webhook, a new feature can sell through Payments without Payments or Tickets changing.
/// Stock is a number in memory; every call is recorded.
/// </summary>
public sealed class ProbeOrderKind(ProbeStock stock) : IOrderKind
{
    public const string Name = "probe";

    public string Kind => Name;

    public Task<OrderLine?> HoldAsync(Order order, CancellationToken ct)
    {
        stock.Calls.Enqueue(("hold", order.Id));
        var wanted = order.Lines.Sum(l => l.Quantity);
        lock (stock) {
            if (stock.Left < wanted) return Task.FromResult<OrderLine?>(order.Lines[0]);
            stock.Left -= wanted;
        }
        return Task.FromResult<OrderLine?>(null);
    }

    public Task<bool> FulfilAsync(Order order, IReadOnlyList<OrderLine> lines, bool held, CancellationToken ct)
    {
        stock.Calls.Enqueue((held ? "fulfil" : "fulfil-unheld", order.Id));
        return Task.FromResult(held);
    }

    public Task ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct)
    {
        foreach (var id in orderIds) stock.Calls.Enqueue(("release", id));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RefundableUnit>> RefundableUnitsAsync(Guid orderId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RefundableUnit>>([]);

    public Task RefundedAsync(Order order, IReadOnlyCollection<Guid> unitIds, bool fullyRefunded, CancellationToken ct)
    {
        stock.Calls.Enqueue((fullyRefunded ? "refunded-fully" : "refunded-partly", order.Id));
        return Task.CompletedTask;
    }

    public string ReceiptPath(Guid orderId) => $"/me/probe/{orderId}";

    public Task<string> TitleAsync(Order order, CancellationToken ct) => Task.FromResult("Probe goods");
}

public sealed class ProbeStock
{
    public int Left { get; set; } = 10;
    public ConcurrentQueue<(string Call, Guid OrderId)> Calls { get; } = new();

    public string[] For(Guid orderId) => Calls.Where(c => c.OrderId == orderId).Select(c => c.Call).ToArray();
}

/// <summary>The app with the probe kind registered beside tickets (local test payments).</summary>
public class ProbeKindApp : ShowgeoApp
{
    public ProbeStock Stock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.ConfigureServices(s => ProbeOrders.Register(s, Stock));

    public Order NewOrder(Guid userId, int quantity, long unitPrice = 1500) => ProbeOrders.New(userId, quantity, unitPrice);

    public Task<(OrderLine? Unheld, CheckoutStart? Start)> CheckoutAsync(Order order) => ProbeOrders.CheckoutAsync(this, order);
}

/// <summary>The same, with Stripe on the fake: the webhook must route probe orders to the probe kind.</summary>
public sealed class ProbeKindStripeApp : StripeApp
{
    public ProbeStock Stock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => ProbeOrders.Register(s, Stock));
    }
}

public static class ProbeOrders
{
    public static void Register(IServiceCollection services, ProbeStock stock)
    {
        services.AddSingleton(stock);
        services.AddOrderKind<ProbeOrderKind>();
    }

    public static Order New(Guid userId, int quantity, long unitPrice = 1500) => new()
    {
        Id = Guid.CreateVersion7(), UserId = userId, Kind = ProbeOrderKind.Name, Status = OrderStatus.Pending, Currency = "EUR",
        Provider = "", CreatedAt = DateTimeOffset.UtcNow, HoldExpiresAt = DateTimeOffset.UtcNow.AddMinutes(45),
        TotalMinor = quantity * unitPrice,
        Lines = [new OrderLine { Id = Guid.CreateVersion7(), ItemId = Guid.NewGuid(), Name = "Probe item", Quantity = quantity, UnitPriceMinor = unitPrice }],
    };

    /// <summary>Places the order through Payments' own checkout, as a feature's checkout page would.</summary>
    public static Task<(OrderLine? Unheld, CheckoutStart? Start)> CheckoutAsync(ShowgeoApp app, Order order) => app.WithScopeAsync(async sp =>
    {
        var checkout = sp.GetRequiredService<PaymentCheckout>();
        order.Provider = checkout.ProviderName;
        var unheld = await checkout.PlaceAsync(order, CancellationToken.None);
        if (unheld is not null) return (unheld, (CheckoutStart?)null);
        var (start, error) = await checkout.StartAsync(order, app.BaseAddress.ToString().TrimEnd('/'), null, CancellationToken.None);
        Assert.Null(error);
        return ((OrderLine?)null, start);
    });
}

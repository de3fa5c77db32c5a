using Microsoft.Extensions.Hosting.Internal;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using static Showgeo.Web.Tests.Features.Tickets.CheckInPage;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>A Production server whose operator chose simulated payments on purpose (no Stripe keys).</summary>
public sealed class SimulatedPaymentsApp : ShowgeoApp
{
    protected override string EnvironmentName => "Production";

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Payments:AllowTestPayments"] = "true";
        settings["Tickets:SigningKey"] = "simulated-payments-test-signing-key-0123456789";
        return Task.CompletedTask;
    }
}

public sealed class SimulatedPaymentsTests(SimulatedPaymentsApp app) : IClassFixture<SimulatedPaymentsApp>
{
    [Fact]
    public void Production_without_stripe_keys_or_the_switch_stops_startup_naming_the_stripe_settings()
    {
        var ex = Assert.Throws<RequiredSettingException>(() =>
            new PaymentsOptions().Validate(new HostingEnvironment { EnvironmentName = "Production" }, new StripeOptions()));

        Assert.Equal("Stripe:SecretKey", ex.Setting);
        Assert.Contains("Stripe:WebhookSecret", ex.Message);
        Assert.Contains("Payments:AllowTestPayments=true", ex.Message);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    public void Development_and_testing_run_local_payments_without_the_switch(string environment)
    {
        new PaymentsOptions().Validate(new HostingEnvironment { EnvironmentName = environment }, new StripeOptions());
    }

    [Fact]
    public void Production_with_stripe_keys_or_the_switch_starts()
    {
        var production = new HostingEnvironment { EnvironmentName = "Production" };
        new PaymentsOptions().Validate(production, new StripeOptions { SecretKey = "sk_test_1", WebhookSecret = "whsec_1" });
        new PaymentsOptions { AllowTestPayments = true }.Validate(production, new StripeOptions());
    }

    [Fact]
    public async Task Every_page_says_payments_are_simulated()
    {
        using var client = app.CreateClient();

        foreach (var url in new[] { "/", "/events", "/account/login" })
        {
            var page = await client.GetAsync(url);
            Assert.Contains("payments on this server are simulated",
                page.Document.QuerySelector("[data-testid=test-payments-banner]")?.TextContent);
        }
    }

    [Fact]
    public async Task A_ticket_paid_on_the_test_page_is_marked_test_on_the_receipt_the_wallet_and_at_the_door()
    {
        var tickets = await app.EventWithTicketsAsync();
        var paid = await app.PaidOrderAsync(tickets, 2);
        using var fan = await app.SignedInAsync(paid.Buyer);

        var receipt = await fan.GetAsync($"/me/orders/{paid.Order.Id}");
        Assert.Contains("TEST", receipt.Document.QuerySelector("[data-testid=test-purchase]")?.TextContent);
        var wallet = await fan.GetAsync("/me/tickets");
        var walletTickets = wallet.Document.QuerySelectorAll("[data-testid=wallet-ticket]");
        Assert.Equal(2, walletTickets.Length);
        Assert.All(walletTickets, t => Assert.Contains("TEST", t.QuerySelector("[data-testid=test-purchase]")?.TextContent));
        var codes = walletTickets.Select(t => t.QuerySelector("[data-testid=ticket-code]")!.TextContent).ToList();

        using var door = await app.SignedInAsync(tickets.Manager);
        var scanned = await ScanResultAsync(door, tickets, codes[0]);
        Assert.Equal("VALID", scanned.QuerySelector("strong")?.TextContent);
        Assert.Contains("TEST purchase", scanned.TextContent);
        // Without JavaScript the verdict travels through the redirect's flash; the mark must survive it.
        var plain = await ScanResultAsync(door, tickets, codes[1], htmx: false);
        Assert.Equal("VALID", plain.QuerySelector("strong")?.TextContent);
        Assert.Contains("TEST purchase", plain.TextContent);
        var again = await ScanResultAsync(door, tickets, codes[1]);
        Assert.Equal("ALREADY USED", again.QuerySelector("strong")?.TextContent);
        Assert.Contains("TEST purchase", again.TextContent);
    }
}

/// <summary>The Testing environment runs local payments as before: no banner.</summary>
public sealed class LocalPaymentsInTestingTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Testing_server_takes_local_payments_without_a_simulated_payments_banner()
    {
        var tickets = await app.EventWithTicketsAsync();
        await app.PaidOrderAsync(tickets, 1);
        using var client = app.CreateClient();

        var home = await client.GetAsync("/");

        Assert.Null(home.Document.QuerySelector("[data-testid=test-payments-banner]"));
    }
}

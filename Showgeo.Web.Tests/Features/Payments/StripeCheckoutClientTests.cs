using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Tests.Features.Payments;

/// <summary>
/// The Stripe client on its own against the fake Stripe: retries, failures and timeouts that are slow or awkward to
/// provoke through the checkout page.
/// </summary>
public sealed class StripeCheckoutClientTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;

    public async Task InitializeAsync() => _stripe = await FakeStripe.StartAsync();

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    private static StripeCheckoutClient Client(string apiBase, TimeSpan? timeout = null) =>
        new(new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(30) },
            Options.Create(new StripeOptions { SecretKey = "sk_test_unit", WebhookSecret = "whsec_unit", ApiBase = apiBase }));

    private static RefundRequest Refund(long amount = 500) => new(Guid.CreateVersion7(), Guid.CreateVersion7(), "pi_unit", amount, "EUR");

    [Fact]
    public async Task A_refund_answered_500_then_200_is_retried_with_the_same_key_and_parameters()
    {
        var request = Refund();
        using var failing = _stripe.FailNext("/v1/refunds", 1);

        var id = await Client(_stripe.BaseUrl).CreateRefundAsync(request, CancellationToken.None);

        Assert.StartsWith("re_", id);
        var calls = _stripe.Calls.ToList();
        Assert.Equal([500, 200], calls.Select(c => c.Status));
        Assert.All(calls, c => Assert.Equal($"refund:{request.RefundId}", c.IdempotencyKey));
        Assert.Equal(calls[0].Form, calls[1].Form);
        Assert.Equal(("pi_unit", "500", "requested_by_customer"), (calls[1].Form["payment_intent"], calls[1].Form["amount"], calls[1].Form["reason"]));
        Assert.Equal((request.OrderId.ToString(), request.RefundId.ToString()), (calls[1].Form["metadata[order_id]"], calls[1].Form["metadata[refund_id]"]));
    }

    [Fact]
    public async Task Asking_again_for_the_same_refund_returns_the_first_one_and_sends_no_telemetry()
    {
        var client = Client(_stripe.BaseUrl);
        var request = Refund();
        var first = await client.CreateRefundAsync(request, CancellationToken.None);
        var second = await client.CreateRefundAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        // Stripe.net would report the first call's timing on the second one unless telemetry is off.
        Assert.All(_stripe.Calls, c => Assert.Null(c.Telemetry));
        Assert.Equal(2, _stripe.Calls.Count);
    }

    [Fact]
    public async Task A_stripe_error_becomes_a_payment_provider_error_carrying_stripes_message()
    {
        var client = Client(_stripe.BaseUrl);
        var request = Refund(500);
        await client.CreateRefundAsync(request, CancellationToken.None);

        // Same key, other amount: Stripe refuses with 400 (not retried).
        var ex = await Assert.ThrowsAsync<PaymentProviderException>(() => client.CreateRefundAsync(request with { AmountMinor = 400 }, CancellationToken.None));
        Assert.StartsWith("The payment provider refused the request (400): Keys for idempotent requests", ex.Message);
        Assert.Equal(2, _stripe.Calls.Count);
    }

    [Fact]
    public async Task A_timeout_is_reported_as_unreachable_after_one_retry()
    {
        _stripe.Delay = TimeSpan.FromSeconds(5);
        var ex = await Assert.ThrowsAsync<PaymentProviderException>(() =>
            Client(_stripe.BaseUrl, TimeSpan.FromMilliseconds(300)).CreateRefundAsync(Refund(), CancellationToken.None));
        Assert.Equal("The payment provider could not be reached. Please try again.", ex.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
    }

    [Fact]
    public async Task An_unreachable_stripe_is_reported_as_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var ex = await Assert.ThrowsAsync<PaymentProviderException>(() =>
            Client($"http://127.0.0.1:{port}").CreateRefundAsync(Refund(), CancellationToken.None));
        Assert.Equal("The payment provider could not be reached. Please try again.", ex.Message);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task A_caller_that_gives_up_is_not_reported_as_a_provider_failure()
    {
        _stripe.Delay = TimeSpan.FromSeconds(5);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(_stripe.BaseUrl).CreateRefundAsync(Refund(), cts.Token));
    }
}

using System.Net;
using System.Net.ServerSentEvents;
using System.Threading.Channels;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// Reads <c>/live</c> the way a browser's EventSource does, over the raw <c>text/event-stream</c>: every event it
/// gets (heartbeats included) lands in <see cref="Events"/>; <see cref="LastEventId"/> is what a browser would send
/// back as <c>Last-Event-ID</c> and what the page script writes into the stream URL's <c>after</c>.
/// </summary>
public sealed class LiveStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseItem<string>> _events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly Task _pump;

    private LiveStreamReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
                {
                    if (!string.IsNullOrEmpty(item.EventId)) LastEventId = item.EventId;
                    await _events.Writer.WriteAsync(item);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested) { }
            catch (IOException) { }
            catch (HttpRequestException) { }
            finally { _events.Writer.TryComplete(); }
        });
    }

    public string? LastEventId { get; private set; }
    public HttpStatusCode Status => _response.StatusCode;
    /// <summary>Completes when the server ends the stream (or cuts the connection).</summary>
    public Task Ended => _pump;

    /// <summary>Opens the stream; <paramref name="lastEventId"/> is sent as the header a native reconnect sends.</summary>
    public static async Task<LiveStreamReader> OpenAsync(HttpClient http, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new LiveStreamReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event that is not a heartbeat.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var item = await _events.Reader.ReadAsync(wait.Token);
            if (item.EventType != "ping") return item;
        }
    }

    /// <summary>Events (heartbeats excluded) that arrive within <paramref name="quiet"/> of each other.</summary>
    public async Task<List<SseItem<string>>> DrainAsync(TimeSpan quiet)
    {
        var items = new List<SseItem<string>>();
        while (true)
        {
            using var wait = new CancellationTokenSource(quiet);
            try
            {
                var item = await _events.Reader.ReadAsync(wait.Token);
                if (item.EventType != "ping") items.Add(item);
            }
            catch (OperationCanceledException) { return items; }
            catch (ChannelClosedException) { return items; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _response.Dispose();
        try { await _pump; } catch { }
        _stop.Dispose();
    }
}

using System.Threading.Channels;
using Microsoft.AspNetCore.OutputCaching;
using Npgsql;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Keeps this instance's page cache in step with the database. Triggers on events, entities, tours and ticket types
/// (migration 0148) send <c>NOTIFY showgeo_page_cache</c> with the tags a changed row touches, inside the transaction
/// that changes it, so every instance hears it exactly when the change commits and evicts those pages. While the
/// listening connection is down nothing can be heard, so on every (re)connect the whole cache is dropped.
/// </summary>
public sealed class PageCacheEvictions([FromKeyedServices(Data.DataSources.SessionKey)] NpgsqlDataSource data, IOutputCacheStore store, TimeProvider clock,
    ILogger<PageCacheEvictions> log) : BackgroundService
{
    public const string Channel = "showgeo_page_cache";

    private readonly Channel<string> _tags = System.Threading.Channels.Channel.CreateUnbounded<string>(
        new UnboundedChannelOptions { SingleReader = true });

    protected override Task ExecuteAsync(CancellationToken stop) => Task.WhenAll(ListenAsync(stop), EvictAsync(stop));

    private async Task EvictAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var tag in _tags.Reader.ReadAllAsync(stop))
                await store.EvictByTagAsync(tag, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await data.OpenConnectionAsync(stop);
                conn.Notification += (_, e) =>
                {
                    foreach (var tag in e.Payload.Split(' ', StringSplitOptions.RemoveEmptyEntries)) _tags.Writer.TryWrite(tag);
                };
                await using (var cmd = new NpgsqlCommand($"LISTEN {Channel}", conn))
                    await cmd.ExecuteNonQueryAsync(stop);
                // Changes committed while nobody listened are unknown: start again from an empty cache.
                _tags.Writer.TryWrite(PageCacheTags.All);
                while (!stop.IsCancellationRequested) await conn.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(ex, "Page cache listener lost its connection; reconnecting");
                _tags.Writer.TryWrite(PageCacheTags.All);
                try { await Task.Delay(TimeSpan.FromSeconds(2), clock, stop); } catch (OperationCanceledException) { return; }
            }
        }
    }
}

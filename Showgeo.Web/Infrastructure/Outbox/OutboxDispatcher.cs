using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Showgeo.Web.Infrastructure.Outbox;

/// <summary>
/// Delivers outbox messages to their handlers. Woken by the <c>showgeo_outbox</c> NOTIFY that the insert trigger sends
/// when a transaction commits, with a slow poll as backstop. A short claim (<c>FOR UPDATE SKIP LOCKED</c> plus a lease
/// renewed while the handlers run) lets several instances share the work without running one message in two places at
/// once; handlers run outside any transaction, up to <see cref="OutboxOptions.Concurrency"/> messages at a time, and a
/// slow one (refunding a whole cancelled event) never holds up the rest. Delivery is at least once: when some handlers
/// of a message fail, the ones that succeeded are recorded in <c>outbox_deliveries</c> and skipped on the retry.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource data, DomainEventRegistry registry, IServiceScopeFactory scopes, IOptions<OutboxOptions> options,
    TimeProvider clock, ILogger<OutboxDispatcher> log,
    [FromKeyedServices(Data.DataSources.SessionKey)] NpgsqlDataSource sessions) : BackgroundService
{
    public const string Channel = "showgeo_outbox";

    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    /// <summary>Claimed by this instance and not finished: queued or running. Their leases are renewed together.</summary>
    private readonly ConcurrentDictionary<Guid, byte> _inFlight = new();
    /// <summary>Messages whose handlers all succeeded, waiting to be marked delivered in one statement.</summary>
    private readonly Channel<Guid> _delivered = System.Threading.Channels.Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    /// <summary>Signalled as claims finish, so the claimer can top the local queue up.</summary>
    private readonly SemaphoreSlim _finished = new(0);

    private OutboxOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!Options.Enabled) return;
        // Claims are batched (one round trip for up to BatchSize messages) and queued locally; Concurrency workers run
        // them. A new claim is made once half the local queue has drained, so claims stay large under load.
        var batchSize = Math.Max(1, Options.BatchSize);
        var queue = System.Threading.Channels.Channel.CreateUnbounded<Claimed>(new UnboundedChannelOptions { SingleWriter = true });
        var listener = ListenAsync(stop);
        var renewer = RenewLeasesAsync(stop);
        var flusher = FlushDeliveredAsync();
        var workers = Enumerable.Range(0, Math.Max(1, Options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            await foreach (var m in queue.Reader.ReadAllAsync(CancellationToken.None))
                await RunAsync(m, stop);
        }, CancellationToken.None)).ToArray();

        while (!stop.IsCancellationRequested)
        {
            try
            {
                while (_inFlight.Count > batchSize / 2) await _finished.WaitAsync(TimeSpan.FromSeconds(1), stop);
                var claimed = await ClaimAsync(batchSize - _inFlight.Count, stop);
                foreach (var m in claimed)
                {
                    _inFlight[m.Id] = 0;
                    queue.Writer.TryWrite(m);
                }
                if (claimed.Count == 0) await WaitForWorkAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(ex, "Outbox dispatch failed; retrying shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(2), clock, stop); } catch (OperationCanceledException) { break; }
            }
        }
        queue.Writer.Complete();
        await Task.WhenAll(workers);
        _delivered.Writer.Complete();
        await flusher;
        await listener;
        await renewer;
    }

    /// <summary>Puts a dead-lettered message back in the queue with a fresh attempt budget.</summary>
    public async Task<bool> RetryAsync(Guid messageId, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            UPDATE outbox_messages SET status = 'Pending', attempts = 0, next_attempt_at = $2, locked_until = NULL
            WHERE id = $1 AND status = 'Dead'
            """);
        cmd.Parameters.AddWithValue(messageId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        var changed = await cmd.ExecuteNonQueryAsync(ct) == 1;
        if (changed) _wake.Writer.TryWrite(true);
        return changed;
    }

    private sealed record Claimed(Guid Id, string Type, string Payload, DateTimeOffset OccurredAt, int Attempts);

    /// <param name="Released">Shutdown interrupted a handler: the message goes back untouched.</param>
    private sealed record Outcome(List<string> Succeeded, List<string> Errors, bool Released = false);

    private async Task<List<Claimed>> ClaimAsync(int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = data.CreateCommand("""
            UPDATE outbox_messages m SET locked_until = $2, attempts = m.attempts + 1
            FROM (SELECT id FROM outbox_messages
                  WHERE status = 'Pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
                  ORDER BY next_attempt_at, id
                  LIMIT $3
                  FOR UPDATE SKIP LOCKED) due
            WHERE m.id = due.id
            RETURNING m.id, m.type, m.payload::text, m.occurred_at, m.attempts
            """);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now + TimeSpan.FromSeconds(Options.LeaseSeconds));
        cmd.Parameters.AddWithValue(limit);
        var list = new List<Claimed>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Claimed(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        return list;
    }

    private async Task RunAsync(Claimed m, CancellationToken stop)
    {
        var batched = false;
        try
        {
            // Claimed but not started before shutdown: hand it straight back.
            var outcome = stop.IsCancellationRequested ? new Outcome([], [], Released: true) : await DeliverAsync(m, stop);
            if (outcome is { Errors.Count: 0, Released: false })
                batched = _delivered.Writer.TryWrite(m.Id);
            else
                await FinishAsync(m, outcome);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The outcome could not be written: the lease runs out and the message is delivered again.
            log.LogWarning(ex, "Could not record the outcome of outbox message {Id}", m.Id);
        }
        finally
        {
            if (!batched) Done(m.Id);
        }
    }

    private void Done(Guid id)
    {
        _inFlight.TryRemove(id, out _);
        _finished.Release();
    }

    /// <summary>Marks delivered messages in one statement per flush instead of one round trip each.</summary>
    private async Task FlushDeliveredAsync()
    {
        var ids = new List<Guid>();
        while (await _delivered.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (ids.Count < 1000 && _delivered.Reader.TryRead(out var id)) ids.Add(id);
            try
            {
                await using var cmd = data.CreateCommand("""
                    UPDATE outbox_messages SET status = 'Delivered', delivered_at = $2, locked_until = NULL, last_error = NULL WHERE id = ANY($1)
                    """);
                cmd.Parameters.AddWithValue(ids.ToArray());
                cmd.Parameters.AddWithValue(clock.GetUtcNow());
                await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // Their leases run out and they are delivered again: at least once, never lost.
                log.LogWarning(ex, "Could not mark {Count} outbox messages delivered", ids.Count);
            }
            foreach (var id in ids) Done(id);
            ids.Clear();
        }
    }

    private async Task<Outcome> DeliverAsync(Claimed m, CancellationToken stop)
    {
        var subscriptions = registry.HandlersFor(m.Type).ToList();
        // Markers exist only for messages that failed before, so a first attempt need not look.
        var done = subscriptions.Count == 0 || m.Attempts == 1 ? [] : await DoneHandlersAsync(m.Id);
        var context = new DomainEventContext(m.Id, m.Attempts, m.OccurredAt);
        var outcome = new Outcome([], []);
        foreach (var s in subscriptions)
        {
            if (done.Contains(s.HandlerName)) continue;
            try
            {
                var domainEvent = registry.Deserialize(s, m.Payload);
                await using (var scope = scopes.CreateAsyncScope())
                    await s.Invoke(scope.ServiceProvider, domainEvent, context, stop);
                outcome.Succeeded.Add(s.HandlerName);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Shutting down mid-handler is not the handler's failure.
                return outcome with { Released = true };
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Outbox handler {Handler} failed on {Type} {Id} (attempt {Attempt})", s.HandlerName, m.Type, m.Id, m.Attempts);
                outcome.Errors.Add($"{s.HandlerName}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        return outcome;
    }

    private async Task<HashSet<string>> DoneHandlersAsync(Guid id)
    {
        await using var cmd = data.CreateCommand("SELECT handler FROM outbox_deliveries WHERE message_id = $1");
        cmd.Parameters.AddWithValue(id);
        var set = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) set.Add(reader.GetString(0));
        return set;
    }

    /// <summary>
    /// Records a message that did not fully succeed, in one round trip (a batch runs as one implicit transaction): the
    /// handlers that succeeded get markers, so a retry or a takeover skips them. A delivered message needs no markers:
    /// its status says every handler is done (see <see cref="FlushDeliveredAsync"/>).
    /// </summary>
    private async Task FinishAsync(Claimed m, Outcome o)
    {
        var now = clock.GetUtcNow();
        await using var batch = data.CreateBatch();
        if (o.Succeeded.Count > 0)
            batch.BatchCommands.Add(Command("""
                INSERT INTO outbox_deliveries (message_id, handler, delivered_at)
                SELECT $1, h, $3 FROM unnest($2::text[]) AS done(h)
                ON CONFLICT DO NOTHING
                """, m.Id, o.Succeeded.ToArray(), now));
        if (o.Released)
        {
            // The claim still counts as an attempt: it tells the next claimant to look for markers.
            batch.BatchCommands.Add(Command("UPDATE outbox_messages SET locked_until = NULL WHERE id = $1 AND status = 'Pending'", m.Id));
        }
        else
        {
            var dead = m.Attempts >= Options.MaxAttempts;
            if (dead) log.LogError("Outbox message {Type} {Id} dead-lettered after {Attempts} attempts: {Errors}", m.Type, m.Id, m.Attempts, string.Join("; ", o.Errors));
            batch.BatchCommands.Add(Command("""
                UPDATE outbox_messages SET status = $2, next_attempt_at = $3, locked_until = NULL, last_error = $4 WHERE id = $1
                """, m.Id, dead ? nameof(OutboxStatus.Dead) : nameof(OutboxStatus.Pending), now + Options.Backoff(m.Attempts), string.Join("\n", o.Errors)));
        }
        // Not the stop token: the outcome of work already done must be written even while shutting down.
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return cmd;
    }

    /// <summary>Keeps this instance's claims alive while their handlers run; one statement for all of them.</summary>
    private async Task RenewLeasesAsync(CancellationToken stop)
    {
        var lease = TimeSpan.FromSeconds(Options.LeaseSeconds);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, clock, stop);
                var ids = _inFlight.Keys.ToArray();
                if (ids.Length == 0) continue;
                await using var cmd = data.CreateCommand("UPDATE outbox_messages SET locked_until = $2 WHERE id = ANY($1) AND status = 'Pending'");
                cmd.Parameters.AddWithValue(ids);
                cmd.Parameters.AddWithValue(clock.GetUtcNow() + lease);
                await cmd.ExecuteNonQueryAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                log.LogWarning(ex, "Could not renew outbox leases; retrying");
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stop)
    {
        var wait = TimeSpan.FromSeconds(Options.PollSeconds);
        wait = await NextDueAsync(stop) is { } next && next < wait ? next : wait;
        if (wait <= TimeSpan.Zero) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(wait);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
        while (_wake.Reader.TryRead(out _)) { }
    }

    /// <summary>When the next retry (or the lease of a claim whose owner died) comes due.</summary>
    private async Task<TimeSpan?> NextDueAsync(CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            SELECT min(greatest(next_attempt_at, coalesce(locked_until, next_attempt_at))) FROM outbox_messages WHERE status = 'Pending'
            """);
        return await cmd.ExecuteScalarAsync(ct) is DateTime due
            ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) - clock.GetUtcNow()
            : null;
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await sessions.OpenConnectionAsync(stop);
                conn.Notification += (_, _) => _wake.Writer.TryWrite(true);
                await using (var cmd = new NpgsqlCommand($"LISTEN {Channel}", conn))
                    await cmd.ExecuteNonQueryAsync(stop);
                // Anything committed while we were not listening is picked up now.
                _wake.Writer.TryWrite(true);
                while (!stop.IsCancellationRequested) await conn.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(ex, "Outbox listener lost its connection; reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(2), clock, stop); } catch (OperationCanceledException) { return; }
            }
        }
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Showgeo.Web.Infrastructure.Outbox;

/// <summary>
/// Delivers outbox messages to their handlers. Woken by the <c>showgeo_outbox</c> NOTIFY that the insert trigger sends
/// when a transaction commits, with a slow poll as backstop. A short claim (<c>FOR UPDATE SKIP LOCKED</c> plus a
/// renewable lease) lets several instances share the work without running one message twice at the same time; the
/// handlers themselves run outside any transaction. Delivery is at least once: a handler that succeeded is recorded in
/// <c>outbox_deliveries</c> and skipped on a retry.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource data, DomainEventRegistry registry, IServiceScopeFactory scopes, IOptions<OutboxOptions> options,
    TimeProvider clock, ILogger<OutboxDispatcher> log) : BackgroundService
{
    public const string Channel = "showgeo_outbox";

    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private OutboxOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!Options.Enabled) return;
        var listener = ListenAsync(stop);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stop) > 0) continue;
                await WaitForWorkAsync(stop);
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
        await listener;
    }

    /// <summary>Claims one batch of due messages and delivers them; returns how many it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var claimed = await ClaimAsync(ct);
        if (claimed.Count == 0) return 0;
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.Concurrency), CancellationToken = CancellationToken.None },
            async (m, _) => await DeliverAsync(m, ct));
        return claimed.Count;
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

    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
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
        cmd.Parameters.AddWithValue(Math.Max(1, Options.BatchSize));
        var list = new List<Claimed>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Claimed(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        return list;
    }

    private async Task DeliverAsync(Claimed m, CancellationToken stop)
    {
        var subscriptions = registry.HandlersFor(m.Type).ToList();
        var done = subscriptions.Count == 0 ? [] : await DoneHandlersAsync(m.Id);
        var context = new DomainEventContext(m.Id, m.Attempts, m.OccurredAt);
        var errors = new List<string>();
        using var renewal = new CancellationTokenSource();
        var renewing = RenewLeaseAsync(m.Id, renewal.Token);
        try
        {
            foreach (var s in subscriptions)
            {
                if (done.Contains(s.HandlerName)) continue;
                try
                {
                    var domainEvent = registry.Deserialize(s, m.Payload);
                    await using (var scope = scopes.CreateAsyncScope())
                        await s.Invoke(scope.ServiceProvider, domainEvent, context, stop);
                    await MarkDoneAsync(m.Id, s.HandlerName);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Shutting down mid-handler is not the handler's failure: hand the message back untouched.
                    await ReleaseAsync(m.Id);
                    return;
                }
                catch (Exception ex)
                {
                    log.LogWarning(ex, "Outbox handler {Handler} failed on {Type} {Id} (attempt {Attempt})", s.HandlerName, m.Type, m.Id, m.Attempts);
                    errors.Add($"{s.HandlerName}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }
        await FinishAsync(m, errors);
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

    private async Task MarkDoneAsync(Guid id, string handler)
    {
        await using var cmd = data.CreateCommand(
            "INSERT INTO outbox_deliveries (message_id, handler, delivered_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(handler);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task FinishAsync(Claimed m, List<string> errors)
    {
        var now = clock.GetUtcNow();
        NpgsqlCommand cmd;
        if (errors.Count == 0)
        {
            cmd = data.CreateCommand("""
                UPDATE outbox_messages SET status = 'Delivered', delivered_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1
                """);
            cmd.Parameters.AddWithValue(m.Id);
            cmd.Parameters.AddWithValue(now);
        }
        else
        {
            var dead = m.Attempts >= Options.MaxAttempts;
            cmd = data.CreateCommand("""
                UPDATE outbox_messages SET status = $2, next_attempt_at = $3, locked_until = NULL, last_error = $4 WHERE id = $1
                """);
            cmd.Parameters.AddWithValue(m.Id);
            cmd.Parameters.AddWithValue(dead ? nameof(OutboxStatus.Dead) : nameof(OutboxStatus.Pending));
            cmd.Parameters.AddWithValue(now + Options.Backoff(m.Attempts));
            cmd.Parameters.AddWithValue(string.Join("\n", errors));
            if (dead) log.LogError("Outbox message {Type} {Id} dead-lettered after {Attempts} attempts: {Errors}", m.Type, m.Id, m.Attempts, string.Join("; ", errors));
        }
        await using (cmd) await cmd.ExecuteNonQueryAsync();
    }

    private async Task ReleaseAsync(Guid id)
    {
        await using var cmd = data.CreateCommand(
            "UPDATE outbox_messages SET locked_until = NULL, attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = 'Pending'");
        cmd.Parameters.AddWithValue(id);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task RenewLeaseAsync(Guid id, CancellationToken ct)
    {
        var lease = TimeSpan.FromSeconds(Options.LeaseSeconds);
        try
        {
            while (true)
            {
                await Task.Delay(lease / 3, clock, ct);
                await using var cmd = data.CreateCommand("UPDATE outbox_messages SET locked_until = $2 WHERE id = $1 AND status = 'Pending'");
                cmd.Parameters.AddWithValue(id);
                cmd.Parameters.AddWithValue(clock.GetUtcNow() + lease);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (NpgsqlException ex)
        {
            log.LogWarning(ex, "Could not renew the outbox lease on {Id}", id);
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
                await using var conn = await data.OpenConnectionAsync(stop);
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

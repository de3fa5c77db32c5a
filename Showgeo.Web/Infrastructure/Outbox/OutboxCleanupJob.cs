using Microsoft.Extensions.Options;
using Npgsql;

namespace Showgeo.Web.Infrastructure.Outbox;

/// <summary>
/// Deletes delivered outbox messages once they are older than <see cref="OutboxOptions.RetentionDays"/>, in bounded
/// batches, so a busy site's outbox stays small. Pending and dead-lettered messages are never deleted.
/// </summary>
public sealed class OutboxCleanupJob(NpgsqlDataSource data, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxCleanupJob> log)
    : IRecurringJob
{
    public const string Name = "outbox.cleanup";
    private const int BatchSize = 5000;

    public Task RunAsync(DateTimeOffset tick, CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
        var total = 0;
        while (true)
        {
            await using var cmd = data.CreateCommand("""
                DELETE FROM outbox_messages WHERE id IN (
                    SELECT id FROM outbox_messages WHERE status = 'Delivered' AND delivered_at < $1 LIMIT $2)
                """);
            cmd.Parameters.AddWithValue(before);
            cmd.Parameters.AddWithValue(BatchSize);
            var deleted = await cmd.ExecuteNonQueryAsync(ct);
            total += deleted;
            if (deleted < BatchSize) break;
        }
        if (total > 0) log.LogInformation("Deleted {Count} delivered outbox messages older than {Before}", total, before);
        return total;
    }
}

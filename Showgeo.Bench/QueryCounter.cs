using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Showgeo.Bench;

/// <summary>Counts the commands EF sends, in total and by statement, so a harness can report queries per request.</summary>
public sealed class QueryCounter : DbCommandInterceptor
{
    private long _count;
    private readonly ConcurrentDictionary<string, long> _byStatement = new();

    /// <summary>Also tally each statement by its text (the first 140 characters, whitespace folded).</summary>
    public bool ByStatement { get; init; }

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyList<(string Statement, long Count)> Top(int n) =>
        _byStatement.OrderByDescending(kv => kv.Value).Take(n).Select(kv => (kv.Key, kv.Value)).ToList();

    public void Reset() { Interlocked.Exchange(ref _count, 0); _byStatement.Clear(); }

    private void Seen(DbCommand command)
    {
        Interlocked.Increment(ref _count);
        if (!ByStatement) return;
        var text = string.Join(' ', command.CommandText.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        _byStatement.AddOrUpdate(text.Length > 140 ? text[..140] : text, 1, (_, c) => c + 1);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Seen(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Seen(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Seen(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}

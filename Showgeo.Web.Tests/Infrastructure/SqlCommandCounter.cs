using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands EF Core runs against one database while it is alive, so a test can show that a list page
/// issues the same number of queries whatever its length. Run the app with its background work off
/// (<c>Scheduling:Enabled</c>, <c>Outbox:Enabled</c> false), or their polls are counted too.
/// </summary>
public sealed class SqlCommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _database;
    private readonly IDisposable _allListeners;
    private readonly List<IDisposable> _subscriptions = [];
    private int _count;
    private readonly List<string> _commands = [];
    private readonly List<CapturedCommand> _captured = [];

    public SqlCommandCounter(string connectionString)
    {
        _database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The SQL of every command counted, in order.</summary>
    public IReadOnlyList<string> Commands
    {
        get { lock (_commands) return [.. _commands]; }
    }

    /// <summary>Every command counted with copies of its parameters, so a test can run it again (under EXPLAIN, say).</summary>
    public IReadOnlyList<CapturedCommand> Captured
    {
        get { lock (_commands) return [.. _captured]; }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (e.Key == RelationalEventId.CommandExecuted.Name && e.Value is CommandExecutedEventData data
            && data.Command.Connection?.Database == _database)
        {
            Interlocked.Increment(ref _count);
            var parameters = data.Command.Parameters.OfType<Npgsql.NpgsqlParameter>().Select(p => p.Clone()).ToList();
            lock (_commands)
            {
                _commands.Add(data.Command.CommandText);
                _captured.Add(new CapturedCommand(data.Command.CommandText, parameters));
            }
        }
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
    }
}

public sealed record CapturedCommand(string Sql, IReadOnlyList<Npgsql.NpgsqlParameter> Parameters);

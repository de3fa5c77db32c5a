using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Coravel.Scheduling.Schedule.Interfaces;
using Npgsql;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Coravel's <c>PreventOverlapping</c> guard across instances (its default mutex is in-memory, per process): each key is
/// a PostgreSQL session advisory lock, held on a connection of its own until <see cref="Release"/>. Coravel may release
/// on another thread than the one that locked, so connections are kept by key, never by thread.
/// </summary>
public sealed class PostgresAdvisoryMutex([FromKeyedServices(Data.DataSources.SessionKey)] NpgsqlDataSource dataSource, ILogger<PostgresAdvisoryMutex> log) : IMutex, IDisposable
{
    // A key maps to null while its lock is being taken, so two threads of this instance never both try.
    private readonly ConcurrentDictionary<string, NpgsqlConnection?> _held = new(StringComparer.Ordinal);

    /// <remarks>
    /// <paramref name="timeoutMinutes"/> lets Coravel's in-memory mutex recover from a holder that never released; a
    /// session lock needs no timeout, because PostgreSQL drops it when the holder's connection goes.
    /// </remarks>
    public bool TryGetLock(string key, int timeoutMinutes)
    {
        if (!_held.TryAdd(key, null)) return false;
        NpgsqlConnection? connection = null;
        try
        {
            connection = dataSource.OpenConnection();
            using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            cmd.Parameters.Add(new() { Value = LockId(key) });
            if (cmd.ExecuteScalar() is true)
            {
                _held[key] = connection;
                return true;
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            log.LogWarning(ex, "Could not take the scheduler lock {Key}; this run is skipped", key);
        }
        connection?.Dispose();
        _held.TryRemove(key, out _);
        return false;
    }

    public void Release(string key)
    {
        if (!_held.TryGetValue(key, out var connection) || connection is null) return;
        try
        {
            using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            cmd.Parameters.Add(new() { Value = LockId(key) });
            cmd.ExecuteScalar();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // A broken connection has already lost the lock; a pooled one is reset before reuse, which unlocks all.
            log.LogWarning(ex, "Could not release the scheduler lock {Key} cleanly", key);
        }
        finally
        {
            connection.Dispose();
            _held.TryRemove(key, out _);
        }
    }

    /// <summary>The advisory lock id for a key: the first 8 bytes of its SHA-256, the same in every instance and build.</summary>
    public static long LockId(string key) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("showgeo.scheduler:" + key)));

    public void Dispose()
    {
        foreach (var key in _held.Keys) Release(key);
    }
}

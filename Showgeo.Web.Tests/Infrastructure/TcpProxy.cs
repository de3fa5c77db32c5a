using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder on loopback that a test can cut, as if the database server went away: <see cref="Cut"/> closes
/// every forwarded connection and stops listening (new connections are refused), <see cref="Restore"/> listens again
/// on the same port. Lets one app instance lose its PostgreSQL without stopping the server other tests share.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<Guid, (TcpClient Client, TcpClient Upstream)> _open = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public int Port { get; }

    /// <summary>Connections accepted since the proxy started (whether still open or not).</summary>
    public int Accepted => _accepted;
    private int _accepted;

    public void Cut()
    {
        lock (_gate)
        {
            _stop.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var (id, pair) in _open)
            {
                pair.Client.Client.Close(0);
                pair.Upstream.Dispose();
                _open.TryRemove(id, out _);
            }
        }
    }

    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null) return;
            _stop = new CancellationTokenSource();
            _listener = Listen(Port);
            _ = AcceptAsync(_listener, _stop.Token);
        }
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        // The cut connections linger in TIME_WAIT on this port; rebinding must not wait for them.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(client, stop);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken stop)
    {
        var upstream = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        var id = Guid.NewGuid();
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, stop);
            _open[id] = (client, upstream);
            Interlocked.Increment(ref _accepted);
            // A cut that raced this connection: it must not survive it.
            if (stop.IsCancellationRequested) return;
            using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var up = PumpAsync(client.GetStream(), upstream.GetStream(), done.Token);
            var down = PumpAsync(upstream.GetStream(), client.GetStream(), done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _open.TryRemove(id, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}

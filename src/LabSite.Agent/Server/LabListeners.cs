using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace LabSite.Agent.Server;

/// <summary>
/// One Kestrel listener for a socket per lab (the labs' Hubble sockets; the labs' in-cluster Kubernetes APIs). Kestrel
/// binds its endpoints once at start, so this transport presents them as one endpoint (<see cref="EndPoint"/>) and
/// adds or removes the real sockets while it runs: endpoints it binds (a unix socket, a loopback TCP port) or sockets
/// a backend bound inside a lab's network (<see cref="Adopt"/>). Each accepted connection carries its lab as a
/// <see cref="LabConnectionFeature"/>: per lab there is only a bound socket and an accept loop, no server of its own.
/// </summary>
public sealed class LabListeners : IConnectionListenerFactory, IConnectionListenerFactorySelector, IConnectionListener
{
    private readonly SocketTransportFactory _sockets;
    private readonly SocketConnectionContextFactory _adopted;
    private readonly Channel<ConnectionContext> _accepted = Channel.CreateUnbounded<ConnectionContext>();
    private readonly ConcurrentDictionary<string, Lab> _labs = new(StringComparer.Ordinal);

    public LabListeners(LabEndPoint endpoint, ILoggerFactory loggers)
    {
        EndPoint = endpoint;
        _sockets = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers);
        _adopted = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), loggers.CreateLogger<LabListeners>());
    }

    private sealed class Lab(string name)
    {
        public string Name { get; } = name;
        public List<IConnectionListener> Listeners { get; } = [];
        public ConcurrentDictionary<string, ConnectionContext> Connections { get; } = new(StringComparer.Ordinal);
        public CancellationTokenSource Closing { get; } = new();
    }

    public EndPoint EndPoint { get; }

    /// <summary>The labs with open sockets.</summary>
    public IReadOnlyCollection<string> Labs => _labs.Keys.ToList();

    public bool CanBind(EndPoint endpoint) => ReferenceEquals(endpoint, EndPoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken) =>
        CanBind(endpoint)
            ? ValueTask.FromResult<IConnectionListener>(this)
            : throw new NotSupportedException($"this transport binds only {EndPoint}, not {endpoint}");

    /// <summary>Binds <paramref name="endpoints"/> for <paramref name="lab"/>; returns where each one ended up (the kernel picks TCP ports).</summary>
    public async Task<IReadOnlyList<EndPoint>> OpenAsync(string lab, IReadOnlyList<EndPoint> endpoints, CancellationToken ct)
    {
        var entry = Add(lab);
        try
        {
            foreach (var endpoint in endpoints)
            {
                entry.Listeners.Add(await _sockets.BindAsync(endpoint, ct));
            }
        }
        catch
        {
            await CloseAsync(lab);
            throw;
        }
        Start(entry);
        return entry.Listeners.Select(l => l.EndPoint).ToList();
    }

    /// <summary>Serves <paramref name="listening"/>, a socket already listening (bound by a backend in the lab's network), for <paramref name="lab"/>; closing the lab disposes it.</summary>
    public void Adopt(string lab, Socket listening)
    {
        var entry = Add(lab);
        entry.Listeners.Add(new AdoptedListener(listening, _adopted));
        Start(entry);
    }

    private Lab Add(string lab)
    {
        var entry = new Lab(lab);
        return _labs.TryAdd(lab, entry) ? entry : throw new InvalidOperationException($"the sockets of {lab} are already open");
    }

    private void Start(Lab entry)
    {
        foreach (var listener in entry.Listeners)
        {
            _ = AcceptLoopAsync(entry, listener);
        }
    }

    /// <summary>Unbinds <paramref name="lab"/>'s sockets and ends its open connections (follows and watches included).</summary>
    public async Task CloseAsync(string lab)
    {
        if (!_labs.TryRemove(lab, out var entry))
        {
            return;
        }
        await entry.Closing.CancelAsync();
        foreach (var listener in entry.Listeners)
        {
            await listener.UnbindAsync();
            await listener.DisposeAsync();
        }
        foreach (var connection in entry.Connections.Values)
        {
            connection.Abort(new ConnectionAbortedException($"lab {lab} is gone"));
        }
        entry.Closing.Dispose();
    }

    private async Task AcceptLoopAsync(Lab lab, IConnectionListener listener)
    {
        try
        {
            while (await listener.AcceptAsync(lab.Closing.Token) is { } connection)
            {
                connection.Features.Set(new LabConnectionFeature(lab.Name));
                lab.Connections[connection.ConnectionId] = connection;
                connection.ConnectionClosed.Register(() => lab.Connections.TryRemove(connection.ConnectionId, out _));
                if (!_accepted.Writer.TryWrite(connection))
                {
                    await connection.DisposeAsync();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The lab's sockets were closed.
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        foreach (var lab in _labs.Keys.ToList())
        {
            await CloseAsync(lab);
        }
        _accepted.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();
        _adopted.Dispose();
    }

    /// <summary>A socket listening elsewhere (in a lab's network namespace), accepted with Kestrel's own socket connections.</summary>
    private sealed class AdoptedListener(Socket socket, SocketConnectionContextFactory connections) : IConnectionListener
    {
        public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var accepted = await socket.AcceptAsync(cancellationToken);
            accepted.NoDelay = true;
            return connections.Create(accepted);
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The one endpoint Kestrel sees for all the labs' sockets of one <see cref="LabListeners"/>.</summary>
public sealed class LabEndPoint(string description) : EndPoint
{
    public override string ToString() => description;
}

/// <summary>Which lab a connection came in for (set on the connection by <see cref="LabListeners"/>).</summary>
public sealed record LabConnectionFeature(string Lab);

using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace LabSite.Agent.Server.Hubble;

/// <summary>
/// One Kestrel listener for every lab's Hubble socket. Kestrel binds its endpoints once at start, so this transport
/// presents them as one endpoint (<see cref="HubbleEndPoint"/>) and adds or removes the real sockets (a unix socket,
/// and a loopback TCP port when asked) while it runs. Each accepted connection carries its lab as a
/// <see cref="HubbleLabFeature"/>: per lab there is only a bound socket and an accept loop, no server of its own.
/// </summary>
public sealed class HubbleListeners : IConnectionListenerFactory, IConnectionListenerFactorySelector, IConnectionListener
{
    private readonly SocketTransportFactory _sockets;
    private readonly Channel<ConnectionContext> _accepted = Channel.CreateUnbounded<ConnectionContext>();
    private readonly ConcurrentDictionary<string, Lab> _labs = new(StringComparer.Ordinal);

    public HubbleListeners(ILoggerFactory loggers)
    {
        _sockets = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers);
    }

    private sealed class Lab(string name)
    {
        public string Name { get; } = name;
        public List<IConnectionListener> Listeners { get; } = [];
        public ConcurrentDictionary<string, ConnectionContext> Connections { get; } = new(StringComparer.Ordinal);
        public CancellationTokenSource Closing { get; } = new();
    }

    public EndPoint EndPoint => HubbleEndPoint.Instance;

    /// <summary>The labs with open sockets.</summary>
    public IReadOnlyCollection<string> Labs => _labs.Keys.ToList();

    public bool CanBind(EndPoint endpoint) => endpoint is HubbleEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken) =>
        endpoint is HubbleEndPoint
            ? ValueTask.FromResult<IConnectionListener>(this)
            : throw new NotSupportedException($"the Hubble transport binds only {HubbleEndPoint.Instance}, not {endpoint}");

    /// <summary>Binds <paramref name="endpoints"/> for <paramref name="lab"/>; returns where each one ended up (the kernel picks TCP ports).</summary>
    public async Task<IReadOnlyList<EndPoint>> OpenAsync(string lab, IReadOnlyList<EndPoint> endpoints, CancellationToken ct)
    {
        var entry = new Lab(lab);
        if (!_labs.TryAdd(lab, entry))
        {
            throw new InvalidOperationException($"the Hubble sockets of {lab} are already open");
        }
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
        foreach (var listener in entry.Listeners)
        {
            _ = AcceptLoopAsync(entry, listener);
        }
        return entry.Listeners.Select(l => l.EndPoint).ToList();
    }

    /// <summary>Unbinds <paramref name="lab"/>'s sockets and ends its open connections (follows included).</summary>
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
                connection.Features.Set(new HubbleLabFeature(lab.Name));
                lab.Connections[connection.ConnectionId] = connection;
                connection.ConnectionClosed.Register(() => lab.Connections.TryRemove(connection.ConnectionId, out _));
                if (!_accepted.Writer.TryWrite(connection))
                {
                    await connection.DisposeAsync();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
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

    public ValueTask DisposeAsync() => UnbindAsync();
}

/// <summary>The one endpoint Kestrel sees for all the labs' Hubble sockets.</summary>
public sealed class HubbleEndPoint : EndPoint
{
    public static readonly HubbleEndPoint Instance = new();

    private HubbleEndPoint()
    {
    }

    public override string ToString() => "hubble: one unix socket per lab";
}

/// <summary>Which lab a Hubble connection came in for (set on the connection by <see cref="HubbleListeners"/>).</summary>
public sealed record HubbleLabFeature(string Lab);

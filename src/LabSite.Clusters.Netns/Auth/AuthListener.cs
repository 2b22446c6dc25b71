using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Auth;

/// <summary>
/// The agent's mutual-auth listener of one node (Cilium: port 4250 on the node's address): a socket bound inside the
/// node's namespace, served by async code. Each connection gets one TLS handshake (<see cref="MutualTls.ServerAsync"/>)
/// within <see cref="HandshakeTimeout"/>, at most <see cref="MaxConcurrent"/> at once (a pod on a one-node lab can reach
/// the node's address: it may connect, but without a certificate from the lab's CA it is refused).
/// </summary>
public sealed class AuthListener : IAsyncDisposable
{
    public const int MaxConcurrent = 16;

    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private const int ObservedKept = 64;

    private readonly Socket _socket;
    private readonly LabCertificateAuthority _ca;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConcurrent);
    private readonly ConcurrentQueue<string> _observed = new();
    private readonly Task _accepting;
    private long _refused;

    private AuthListener(Socket socket, LabCertificateAuthority ca, string node)
    {
        _socket = socket;
        _ca = ca;
        Node = node;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public string Node { get; }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>SPIFFE IDs of the clients this listener accepted, oldest first (the last 64).</summary>
    public IReadOnlyList<string> ObservedClients => [.. _observed];

    /// <summary>Handshakes this listener refused or that failed.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The last refusal, for diagnostics.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/> inside the namespace at <paramref name="netnsPath"/>.</summary>
    public static async Task<AuthListener> StartAsync(string netnsPath, IPAddress address, LabCertificateAuthority ca, string node, int port = MutualTls.Port)
    {
        var socket = await NetnsThread.RunAsync(netnsPath, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                s.Bind(new IPEndPoint(address, port));
                s.Listen(64);
                return s;
            }
            catch
            {
                s.Dispose();
                throw;
            }
        });
        return new AuthListener(socket, ca, node);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (!await _slots.WaitAsync(0))
            {
                // Busy: refuse rather than queue, so a flood cannot hold the agent.
                Interlocked.Increment(ref _refused);
                client.Dispose();
                continue;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(HandshakeTimeout);
            var id = await MutualTls.ServerAsync(new NetworkStream(client, ownsSocket: true), _ca, timeout.Token);
            _observed.Enqueue(id);
            while (_observed.Count > ObservedKept && _observed.TryDequeue(out _))
            {
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _refused);
            LastRefusal = e.Message;
        }
        finally
        {
            client.Dispose();
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}

using System.IO.Pipelines;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>One connection from the proxy to an original destination, reused while both sides keep it alive.</summary>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private UpstreamConnection(Socket socket, System.Net.IPEndPoint server, bool blocking)
    {
        this._socket = socket;
        Server = server;
        Stream = blocking ? new BlockingSocketStream(socket) : new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(Stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
    }

    public Stream Stream { get; }

    /// <summary>Where it is connected: a routed listener reuses it only for requests to the same upstream.</summary>
    public System.Net.IPEndPoint Server { get; }

    public PipeReader Reader { get; }

    /// <summary>
    /// Connects, or throws <see cref="SocketException"/> / <see cref="OperationCanceledException"/>. A blocking
    /// connection (see <see cref="BlockingSocketStream"/>) connects on the calling thread, bounded by
    /// <paramref name="timeout"/> through SO_SNDTIMEO, which Linux applies to a blocking connect.
    /// </summary>
    public static async Task<UpstreamConnection> ConnectAsync(
        Func<L7Exchange, ValueTask<Socket>> create, L7Exchange exchange, bool blocking, TimeSpan timeout, CancellationToken ct)
    {
        // A blocking connection must not leave its thread: wait for the namespace thread's socket instead of awaiting it.
        var socket = blocking ? create(exchange).AsTask().GetAwaiter().GetResult() : await create(exchange);
        try
        {
            if (blocking)
            {
                ct.ThrowIfCancellationRequested();
                socket.SendTimeout = (int)timeout.TotalMilliseconds;
                socket.Connect(exchange.Server);
                socket.SendTimeout = (int)TimeSpan.FromMinutes(1).TotalMilliseconds; // a safety net; phases shut it down sooner
            }
            else
            {
                await socket.ConnectAsync(exchange.Server, ct);
            }

            return new UpstreamConnection(socket, exchange.Server, blocking);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the server has closed the idle connection (readable with nothing to read means EOF). Checked
    /// before reuse so a request is not sent into a connection the server already dropped; a close racing the
    /// check still ends as 502, as with any proxy.
    /// </summary>
    public bool ClosedByServer
    {
        get
        {
            try
            {
                return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>Ends a call blocked on this connection (both directions); the connection is not reused after.</summary>
    public void Shutdown()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Reader.CompleteAsync();
        await Stream.DisposeAsync();
    }
}

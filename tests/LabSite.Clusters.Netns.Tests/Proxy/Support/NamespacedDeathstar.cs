using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Netns.Proxy.Listener;

namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>A minimal Death Star on port 80 of a namespace: one request per connection, the demo's landing answer.</summary>
public sealed class NamespacedDeathstar : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public NamespacedDeathstar(NetworkNamespaceThread netns, IPAddress address)
    {
        _listener = netns.Run(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(address, 80));
            s.Listen(16);
            return s;
        });
        _loop = Task.Run(ServeAsync);
    }

    public List<string> Peers { get; } = [];

    /// <summary>Requests whose path contains "/hold" wait for this before the answer goes out.</summary>
    public TaskCompletionSource Hold { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ServeAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            Socket c;
            try
            {
                c = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            using (c)
            {
                lock (Peers)
                {
                    Peers.Add(((IPEndPoint)c.RemoteEndPoint!).Address.ToString());
                }

                if ((await RawUpstream.ReadHeadAsync(c, _stop.Token)).Contains("/hold", StringComparison.Ordinal))
                {
                    await Hold.Task.WaitAsync(_stop.Token);
                }

                await c.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nShip landed\n"));
                c.Shutdown(SocketShutdown.Send);
                await c.ReceiveAsync(new byte[16], SocketFlags.None, _stop.Token); // wait for the proxy to close
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>A deliberately misbehaving upstream: each accepted connection is handed to a test-written script.</summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RawUpstream(Func<Socket, CancellationToken, Task> script)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _loop = Task.Run(async () =>
        {
            for (var i = 0; i < 1000 && !_stop.IsCancellationRequested; i++)
            {
                Socket s;
                try
                {
                    s = await _listener.AcceptAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (s)
                    {
                        try
                        {
                            await script(s, _stop.Token);
                        }
                        catch (Exception e) when (e is SocketException or OperationCanceledException)
                        {
                        }
                    }
                });
            }
        });
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Reads one request head (up to the blank line) so a script can answer after it.</summary>
    public static async Task<string> ReadHeadAsync(Socket s, CancellationToken ct)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        for (var i = 0; i < 65536 && !sb.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal); i++)
        {
            if (await s.ReceiveAsync(one, SocketFlags.None, ct) == 0)
            {
                break;
            }

            sb.Append((char)one[0]);
        }

        return sb.ToString();
    }

    public static Task SendAsync(Socket s, string text) => s.SendAsync(Encoding.Latin1.GetBytes(text));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
    }
}

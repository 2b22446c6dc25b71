using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Dns;

/// <summary>
/// The lab's cluster DNS (kube-dns' job): a UDP server on the node address, port 53, inside the node
/// namespace, answering A queries for <c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c> and
/// <c>&lt;a-b-c-d&gt;.&lt;ns&gt;.pod.cluster.local</c>. Other cluster.local names get NXDOMAIN; names outside
/// the cluster get SERVFAIL (labs have no upstream resolver). Pods' resolv.conf points here, so dig,
/// nslookup and host work; everything else resolves through the generated hosts file first.
/// </summary>
internal sealed class ClusterDns : IAsyncDisposable
{
    private const uint Ttl = 30;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private FrozenDictionary<string, IPAddress> _records = FrozenDictionary<string, IPAddress>.Empty;

    private ClusterDns(Socket socket)
    {
        this._socket = socket;
        _loop = ServeAsync();
    }

    public static async Task<ClusterDns> StartAsync(string nodeNetns, IPAddress address)
    {
        var socket = await NetnsThread.RunAsync(LabNames.NetnsPath(nodeNetns), () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(address, 53));
            return s;
        });
        return new ClusterDns(socket);
    }

    /// <summary>Replaces the answerable names (lower case, no trailing dot).</summary>
    public void SetRecords(IReadOnlyDictionary<string, IPAddress> names) => _records = names.ToFrozenDictionary(StringComparer.Ordinal);

    public IPAddress? Resolve(string name) => _records.GetValueOrDefault(name.TrimEnd('.').ToLowerInvariant());

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[1500];
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var query = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
            if (Answer(query) is { } reply)
            {
                try
                {
                    await _socket.SendToAsync(reply, r.RemoteEndPoint, _stopping.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }

    internal byte[]? Answer(byte[] query)
    {
        var q = DnsMessage.ParseQuery(query);
        if (q is null)
        {
            return null;
        }

        var ip = Resolve(q.Name);
        if (ip is not null)
        {
            // A known name: an A answer for A queries, an empty NOERROR for other types (AAAA ...).
            return DnsMessage.Response(query, q, DnsMessage.NoError, q.Type == DnsMessage.TypeA ? ip : null, Ttl);
        }

        var inCluster = q.Name == LabFiles.ClusterDomain || q.Name.EndsWith("." + LabFiles.ClusterDomain, StringComparison.Ordinal);
        return DnsMessage.Response(query, q, inCluster ? DnsMessage.NameError : DnsMessage.ServerFailure, null, Ttl);
    }
}

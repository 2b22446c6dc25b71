using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Dns;

/// <summary>
/// The lab's cluster DNS (kube-dns' job): a UDP server on the node address, port 53, inside the node
/// namespace, answering A queries for <c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c> and
/// <c>&lt;a-b-c-d&gt;.&lt;ns&gt;.pod.cluster.local</c>. Other cluster.local names get NXDOMAIN; names outside
/// the cluster get the lab's outside world (<see cref="SetOutside"/>) or SERVFAIL (labs have no upstream
/// resolver). Queries pass through the <see cref="Proxy"/> when set. Pods' resolv.conf points here, so dig,
/// nslookup and host work; everything else resolves through the generated hosts file first.
/// </summary>
internal sealed class ClusterDns : IAsyncDisposable
{
    private const uint Ttl = 30;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private FrozenDictionary<string, IPAddress> _records = FrozenDictionary<string, IPAddress>.Empty;
    private FrozenDictionary<string, (IPAddress Address, uint Ttl)> _outside = FrozenDictionary<string, (IPAddress, uint)>.Empty;

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

    /// <summary>The lab's outside world: names an upstream resolver would answer (lower case, no trailing dot).</summary>
    public void SetOutside(IEnumerable<(string Name, IPAddress Address, uint Ttl)> hosts) =>
        _outside = hosts.ToFrozenDictionary(h => h.Name, h => (h.Address, h.Ttl), StringComparer.Ordinal);

    /// <summary>The DNS proxy queries pass through (set once the policy agent exists; null answers directly).</summary>
    public DnsProxy? Proxy { get; set; }

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
            byte[]? reply;
            try
            {
                reply = Proxy is { } proxy ? proxy.Handle((IPEndPoint)r.RemoteEndPoint, query, Lookup) : Answer(query);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One bad query (or a policy update racing the lab's teardown) must not stop the lab's DNS.
                continue;
            }
            if (reply is not null)
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

        var r = Lookup(q);
        // A known name: an A answer for A queries, an empty NOERROR for other types (AAAA ...).
        return DnsMessage.Response(query, q, r.Rcode, q.Type == DnsMessage.TypeA ? r.Address : null, r.Ttl);
    }

    /// <summary>
    /// Cluster names first, then the lab's outside world; other cluster.local names are NXDOMAIN, other names
    /// SERVFAIL (labs have no upstream resolver).
    /// </summary>
    internal DnsResolution Lookup(DnsMessage.Question q)
    {
        if (Resolve(q.Name) is { } ip)
        {
            return new DnsResolution(DnsMessage.NoError, ip, Ttl);
        }
        if (_outside.TryGetValue(q.Name.TrimEnd('.'), out var o))
        {
            return new DnsResolution(DnsMessage.NoError, o.Address, o.Ttl);
        }
        var inCluster = q.Name == LabFiles.ClusterDomain || q.Name.EndsWith("." + LabFiles.ClusterDomain, StringComparison.Ordinal);
        return new DnsResolution(inCluster ? DnsMessage.NameError : DnsMessage.ServerFailure, null, Ttl);
    }
}

using System.Net;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Clusters.Netns.Ingress;

/// <summary>
/// The datapath half of Cilium's ingress and Gateway API in a netns lab (the store half is
/// <c>Store/Controllers/IngressController</c>): follows Ingresses, Gateways, HTTPRoutes, Services and Endpoints,
/// rebuilds the <see cref="IngressRouteTable"/>, and keeps one routed L7 listener on each LoadBalancer frontend of a
/// Cilium ingress/gateway Service, its address on the node's loopback (pods reach it through their default route to
/// the node, the lab router over BGP). Those Services are left out of the socket LB and the plain LoadBalancer relay
/// (<see cref="Services.ServiceSpec.IsL7LoadBalancer"/>). Rebuilds are coalesced and run off the store's thread.
/// </summary>
internal sealed class IngressAgent : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly LabPolicyAgent _policy;
    private readonly string _nodeNetns;
    private readonly IngressRouter _router;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(IPAddress Ip, int Port), L7Proxy> _listeners = [];
    private readonly HashSet<IPAddress> _addresses = [];
    private readonly IDisposable _subscription;
    private readonly CancellationTokenSource _stopping = new();
    private volatile IngressRouteTable _table = IngressRouteTable.Empty;
    private int _pending;
    private Task _background = Task.CompletedTask;

    public IngressAgent(ObjectStore store, LabPolicyAgent policy, string nodeNetns, Random? random = null)
    {
        (_store, _policy, _nodeNetns) = (store, policy, nodeNetns);
        _router = new IngressRouter(() => _table, policy.IdentityOfAddress, random ?? new Random());
        _subscription = store.Subscribe(OnChange, replayExisting: true);
    }

    /// <summary>The table the listeners route by now.</summary>
    public IngressRouteTable Table => _table;

    /// <summary>The last reconcile's failure (kept, not thrown: the next change retries).</summary>
    public string? LastError { get; private set; }

    private void OnChange(ObjectChange change)
    {
        if (!ResourceKinds.IngressRouting.Contains(change.Kind) && change.Kind != ResourceKinds.Service && change.Kind != ResourceKinds.Endpoints
            && change.Kind != ResourceKinds.Namespace)
        {
            return;
        }
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _background = Task.Run(async () =>
            {
                try
                {
                    await ReconcileAsync(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }
            });
        }
    }

    /// <summary>Rebuilds the table from the store now and brings the listeners to it (tests call it to wait for a change).</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Interlocked.Exchange(ref _pending, 0);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }
            var table = IngressRouteTable.Build(ObjectView.Snapshot(_store));
            await SyncListenersAsync(table, ct);
            _table = table;
            LastError = table.Warnings.Count > 0 ? string.Join("; ", table.Warnings) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LastError = e.Message;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SyncListenersAsync(IngressRouteTable table, CancellationToken ct)
    {
        foreach (var key in _listeners.Keys.Where(k => !table.Listeners.ContainsKey(k)).ToList())
        {
            await _listeners[key].DisposeAsync();
            _listeners.Remove(key);
        }
        var wanted = table.Listeners.Keys.Select(k => k.Ip).ToHashSet();
        var batch = new IpBatch(_nodeNetns);
        foreach (var ip in wanted.Where(a => !_addresses.Contains(a)))
        {
            batch.Add($"addr replace {ip}/32 dev lo"); // replace: idempotent if the address is already there
        }
        foreach (var ip in _addresses.Where(a => !wanted.Contains(a)))
        {
            batch.Add($"addr del {ip}/32 dev lo");
        }
        await batch.RunAsync($"ingress addresses in {_nodeNetns}", ct);
        _addresses.Clear();
        _addresses.UnionWith(wanted);
        foreach (var key in table.Listeners.Keys.Where(k => !_listeners.ContainsKey(k)))
        {
            _listeners[key] = _policy.StartIngressProxy(key.Ip, (ushort)key.Port, _router);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stopping.CancelAsync();
        await _background;
        await _gate.WaitAsync();
        try
        {
            foreach (var proxy in _listeners.Values)
            {
                await proxy.DisposeAsync();
            }
            _listeners.Clear();
        }
        finally
        {
            _gate.Release();
        }
        _stopping.Dispose();
    }
}

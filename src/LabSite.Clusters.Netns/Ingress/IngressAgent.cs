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
    private readonly CoalescedReconcile _reconcile;
    private readonly Dictionary<(IPAddress Ip, int Port), L7Proxy> _listeners = [];
    private readonly HashSet<IPAddress> _addresses = [];
    private readonly IDisposable _subscription;
    private volatile IngressRouteTable _table = IngressRouteTable.Empty;

    public IngressAgent(ObjectStore store, LabPolicyAgent policy, string nodeNetns, Random? random = null)
    {
        (_store, _policy, _nodeNetns) = (store, policy, nodeNetns);
        _router = new IngressRouter(() => _table, policy.IdentityOfAddress, random ?? new Random());
        _reconcile = new CoalescedReconcile(PassAsync);
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
        _reconcile.Schedule();
    }

    /// <summary>Rebuilds the table from the store now and brings the listeners to it (tests call it to wait for a change).</summary>
    public Task ReconcileAsync(CancellationToken ct) => _reconcile.RunAsync(ct);

    private async Task PassAsync(CancellationToken ct)
    {
        try
        {
            var table = IngressRouteTable.Build(ObjectView.Snapshot(_store));
            await SyncListenersAsync(table, ct);
            _table = table;
            LastError = table.Warnings.Count > 0 ? string.Join("; ", table.Warnings) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LastError = e.Message;
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
        await _reconcile.StopAsync();
        await _reconcile.Gate.WaitAsync();
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
            _reconcile.Gate.Release();
        }
        _reconcile.Dispose();
    }
}

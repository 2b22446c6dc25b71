using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Router;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Clusters.Netns.Bgp;

/// <summary>
/// The lab's BGP control plane: follows the store's BGP objects and Services, starts the lab's router the first time
/// a BGP object appears (a lab that never uses BGP never gets one), and keeps the node's speaker at the desired state
/// (<see cref="BgpDesiredState"/>). Reconciles run one at a time, coalesced, off the store's dispatch thread;
/// <see cref="ReconcileAsync"/> runs one now (tests, the lab shell before printing). A failed reconcile is kept in
/// <see cref="LastError"/> and retried on the next change. Designed for one speaker per node; a lab has one node today.
/// </summary>
internal sealed class BgpAgent : IAsyncDisposable
{
    private readonly LabNames _names;
    private readonly ObjectStore _store;
    private readonly string _podCidr;
    private readonly IReadOnlyDictionary<string, string> _nodeLabels;
    private readonly CoalescedReconcile _reconcile;
    private readonly IDisposable _subscription;

    public BgpAgent(LabNames names, ObjectStore store, string nodeName, string podCidr)
    {
        _names = names;
        _store = store;
        NodeName = nodeName;
        _podCidr = podCidr;
        _nodeLabels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = names.Lab, ["kubernetes.io/os"] = "linux" };
        Speaker = new GobgpSpeaker(names.NodeNetns, Path.Combine(names.RunDirectory, "bgp"), names.CgroupDirectory);
        _reconcile = new CoalescedReconcile(PassAsync);
        _subscription = store.Subscribe(OnChange, replayExisting: true);
    }

    public string NodeName { get; }

    public GobgpSpeaker Speaker { get; }

    public LabRouter? Router { get; private set; }

    public string? LastError { get; private set; }

    private void OnChange(ObjectChange change)
    {
        if (!ResourceKinds.Bgp.Contains(change.Kind) && change.Kind != ResourceKinds.Service)
        {
            return;
        }
        _reconcile.Schedule();
    }

    /// <summary>Brings the router and speaker to what the store says now; records (does not throw) what fails.</summary>
    public Task ReconcileAsync(CancellationToken ct) => _reconcile.RunAsync(ct);

    private async Task PassAsync(CancellationToken ct)
    {
        try
        {
            var usesBgp = ResourceKinds.Bgp.Any(k => _store.Get(new ObjectQuery(k.Plural)).Count > 0);
            if (!usesBgp && Router is null)
            {
                return;
            }
            Router ??= await LabRouter.StartAsync(_names, ct);
            var desired = BgpDesiredState.Compute(_store, NodeName, _nodeLabels, _podCidr, BgpLink.NodeIp(0));
            await Speaker.ApplyAsync(desired, ct);
            LastError = null;
        }
        catch (Exception e) when (e is ClusterException or IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            LastError = e.Message;
        }
    }

    /// <summary>Runs under the agent's lock so reads never race a reconcile.</summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await _reconcile.Gate.WaitAsync(ct);
        try
        {
            return await read();
        }
        finally
        {
            _reconcile.Gate.Release();
        }
    }

    /// <summary>Restarts the node's gobgpd (sessions drop and come back), as an agent restart would.</summary>
    public async Task RestartSpeakerAsync(CancellationToken ct) => await ReadAsync(async () =>
    {
        await Speaker.RestartAsync(ct);
        return true;
    }, ct);

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _reconcile.StopAsync();
        await _reconcile.Gate.WaitAsync(CancellationToken.None);
        try
        {
            await Speaker.DisposeAsync();
            if (Router is not null)
            {
                await Router.DisposeAsync();
                Router = null;
            }
        }
        finally
        {
            _reconcile.Gate.Release();
        }
        _reconcile.Dispose();
    }

    /// <summary>The router's address for callers that print it.</summary>
    public static IPAddress RouterIp => BgpLink.RouterIp;
}

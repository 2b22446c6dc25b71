using System.Net;
using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Runtime;

namespace LabSite.Shell.Cilium;

/// <summary>
/// The cluster's inspection as the Cilium agent of one node answers it (<c>kubectl -n kube-system exec cilium-xxxxx --
/// cilium-dbg ...</c>): its own endpoints (those whose address is in the node's pod CIDR), their policy maps, conntrack
/// entries and FQDN lookups, the node's auth map and BGP sessions, its encryption status, and Hubble's local server (that node's
/// flows). What every agent shares (identities, ipcache, services, the policy repository) is the cluster's answer.
/// The lab shell asks this, not the backend, so both backends scope alike from the same contract data.
/// </summary>
internal sealed class NodeAgentInspector(IClusterInspector cluster, ILabCluster lab, string node) : IClusterInspector
{
    public string Node => node;

    public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct) =>
        cluster.GetFlowsAsync(query with { Filter = query.Filter.OnNode(node) }, ct);

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in cluster.FollowFlowsAsync(query with { Filter = query.Filter.OnNode(node) }, ct))
        {
            yield return e;
        }
    }

    public async Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct)
    {
        var cidrs = await PodCidrsAsync(ct);
        return (await cluster.GetEndpointsAsync(ct)).Where(e => IsIn(cidrs, e.IPv4)).ToList();
    }

    public async Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) =>
        (await GetEndpointsAsync(ct)).Any(e => e.Id == endpointId) ? await cluster.GetPolicyMapAsync(endpointId, ct) : null;

    /// <summary>The entries this node's datapath made: at a local endpoint's egress (OUT: the source is local) or ingress (IN: the destination is).</summary>
    public async Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct)
    {
        var cidrs = await PodCidrsAsync(ct);
        return (await cluster.GetConntrackAsync(ct))
            .Where(e => e.Direction == "IN" ? IsIn(cidrs, AddressOf(e.Destination)) : IsIn(cidrs, AddressOf(e.Source)))
            .ToList();
    }

    public async Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct) =>
        await cluster.GetStatusAsync(ct) is { } status
            ? status with { NodeName = node, Endpoints = (await GetEndpointsAsync(ct)).Count }
            : null;

    public async Task<IReadOnlyList<FqdnCacheEntry>?> GetFqdnCacheAsync(CancellationToken ct)
    {
        if (await cluster.GetFqdnCacheAsync(ct) is not { } entries)
        {
            return null;
        }
        var local = (await GetEndpointsAsync(ct)).Select(e => e.Id).ToHashSet();
        return entries.Where(e => local.Contains(e.Endpoint)).ToList();
    }

    public async Task<IReadOnlyList<AuthEntryModel>?> GetAuthEntriesAsync(CancellationToken ct) =>
        (await cluster.GetAuthEntriesAsync(ct))?.Where(e => e.Node == node).ToList();

    /// <summary>Every node's, this node's first: <c>encrypt status</c> prints the first, and its lab-shell <c>--node</c> still picks others.</summary>
    public async Task<IReadOnlyList<EncryptionStatusModel>?> GetEncryptionStatusAsync(CancellationToken ct) =>
        (await cluster.GetEncryptionStatusAsync(ct))?.OrderBy(e => e.Node == node ? 0 : 1).ToList();

    public async Task<IReadOnlyList<BgpPeerModel>?> GetBgpPeersAsync(CancellationToken ct) =>
        (await cluster.GetBgpPeersAsync(ct))?.Where(p => p.Node == node).ToList();

    public Task<IReadOnlyList<BgpRouteModel>?> GetBgpRoutesAsync(bool advertised, CancellationToken ct) => cluster.GetBgpRoutesAsync(advertised, ct);

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => cluster.GetIdentitiesAsync(ct);

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) => cluster.GetIpcacheAsync(ct);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) => cluster.GetServicesAsync(ct);

    public Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) => cluster.GetPolicyRepositoryAsync(ct);

    public Task<string?> GetHubbleMetricsAsync(CancellationToken ct) => cluster.GetHubbleMetricsAsync(ct);

    public Task<RouterModel?> GetRouterAsync(CancellationToken ct) => cluster.GetRouterAsync(ct);

    public Task<RouterReply?> RunRouterCommandAsync(RouterCommand command, CancellationToken ct) => cluster.RunRouterCommandAsync(command, ct);

    public Task<IReadOnlyList<SpireEntryModel>?> GetSpireEntriesAsync(CancellationToken ct) => cluster.GetSpireEntriesAsync(ct);

    public Task<IReadOnlyList<SpireEntryModel>?> ChangeSpireEntriesAsync(SpireEntryChange change, CancellationToken ct) => cluster.ChangeSpireEntriesAsync(change, ct);

    public Task<NodeCaptureReply?> CaptureOnNodeAsync(NodeCaptureRequest request, CancellationToken ct) => cluster.CaptureOnNodeAsync(request, ct);

    public Task<IReadOnlyList<TetragonEvent>?> GetRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) => cluster.GetRuntimeEventsAsync(query, ct);

    public IAsyncEnumerable<TetragonEvent> FollowRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) => cluster.FollowRuntimeEventsAsync(query, ct);

    /// <summary>The node's pod CIDRs (<c>spec.podCIDRs</c>, else <c>spec.podCIDR</c>): its endpoints' addresses come from them.</summary>
    private async Task<IReadOnlyList<IPNetwork>> PodCidrsAsync(CancellationToken ct)
    {
        var found = await lab.GetAsync(new ObjectQuery(ResourceKinds.Node.Plural, Name: node), ct);
        if (found.Count == 0)
        {
            throw new ClusterException($"node \"{node}\" is gone: its Cilium agent has nothing to answer");
        }
        var spec = found[0].Json["spec"];
        var texts = (spec?["podCIDRs"] as System.Text.Json.Nodes.JsonArray)?.Select(c => (string?)c).ToList() ?? [];
        if (texts.Count == 0 && (string?)spec?["podCIDR"] is { } single)
        {
            texts.Add(single);
        }
        return texts.Select(t => IPNetwork.TryParse(t ?? "", out var net) ? (IPNetwork?)net : null).OfType<IPNetwork>().ToList();
    }

    private static bool IsIn(IReadOnlyList<IPNetwork> cidrs, string address) =>
        IPAddress.TryParse(address, out var ip) && cidrs.Any(c => c.Contains(ip));

    /// <summary>The address of <c>10.0.1.7:80</c> (or <c>[fd00::7]:80</c>).</summary>
    private static string AddressOf(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return (colon < 0 ? endpoint : endpoint[..colon]).Trim('[', ']');
    }
}

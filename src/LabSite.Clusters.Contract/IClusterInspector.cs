using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Runtime;

namespace LabSite.Clusters.Contract;

/// <summary>
/// Inspection of a live lab cluster in Cilium's and Hubble's own shapes, so the grader and the lab shell read the
/// same data whichever backend runs: flows (history and follow, with Hubble's filters), endpoints, identities, an
/// endpoint's policy map, conntrack, ipcache and services. <see cref="ILabCluster"/> implementations implement it too.
/// </summary>
public interface IClusterInspector
{
    /// <summary>Flows from history matching the query (<c>hubble observe</c> without <c>--follow</c>).</summary>
    Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct);

    /// <summary>The query's history, then live flows until cancelled (<c>--follow</c>); lost-event notices in-band.</summary>
    IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, CancellationToken ct);

    Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct);

    Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct);

    /// <summary>The policy map of endpoint <paramref name="endpointId"/>; null when there is no such endpoint.</summary>
    Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct);

    Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct);

    Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct);

    Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct);

    /// <summary>
    /// The policy repository (<c>cilium-dbg policy get</c>): the applied rules as Cilium prints them, and the
    /// revision. Null when the backend keeps no repository of its own (the default, so existing inspectors compile).
    /// </summary>
    Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) => Task.FromResult<PolicyRepositoryModel?>(null);

    /// <summary>The agent's state behind <c>cilium-dbg status</c>; null when the backend cannot tell (the default).</summary>
    Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct) => Task.FromResult<AgentStatusModel?>(null);

    /// <summary>
    /// Hubble's metrics as the agent's metrics endpoint (<c>:9965/metrics</c>) serves them, in the Prometheus text format
    /// 0.0.4 (read them with <see cref="Metrics.PrometheusText"/>); null when the backend serves none (the default).
    /// </summary>
    Task<string?> GetHubbleMetricsAsync(CancellationToken ct) => Task.FromResult<string?>(null);

    /// <summary>
    /// The DNS proxy's FQDN cache (<c>cilium-dbg fqdn cache list</c>): unexpired lookups, by endpoint then name; null
    /// when the backend keeps none (the default).
    /// </summary>
    Task<IReadOnlyList<FqdnCacheEntry>?> GetFqdnCacheAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<FqdnCacheEntry>?>(null);

    /// <summary>The BGP sessions of every node's speaker (<c>cilium bgp peers</c>); null when the backend runs no BGP (the default).</summary>
    Task<IReadOnlyList<BgpPeerModel>?> GetBgpPeersAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<BgpPeerModel>?>(null);

    /// <summary>
    /// The speakers' IPv4 unicast routes (<c>cilium bgp routes available|advertised ipv4 unicast</c>): the Loc-RIB, or what
    /// each peer was sent; null when the backend runs no BGP (the default).
    /// </summary>
    Task<IReadOnlyList<BgpRouteModel>?> GetBgpRoutesAsync(bool advertised, CancellationToken ct) => Task.FromResult<IReadOnlyList<BgpRouteModel>?>(null);

    /// <summary>The lab's BGP router and its routing table; null when the lab has no router (no BGP object yet, or no BGP at all).</summary>
    Task<RouterModel?> GetRouterAsync(CancellationToken ct) => Task.FromResult<RouterModel?>(null);

    /// <summary>Runs a read-only <see cref="RouterCommand"/> on the lab's router; null when the lab has no router.</summary>
    Task<RouterReply?> RunRouterCommandAsync(RouterCommand command, CancellationToken ct) => Task.FromResult<RouterReply?>(null);

    /// <summary>The auth map of every node (<c>cilium-dbg bpf auth list</c>); null when the backend has no mutual authentication (the default).</summary>
    Task<IReadOnlyList<AuthEntryModel>?> GetAuthEntriesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<AuthEntryModel>?>(null);

    /// <summary>The identities' SPIRE registration entries (<c>spire-server entry show</c>); null without mutual authentication.</summary>
    Task<IReadOnlyList<SpireEntryModel>?> GetSpireEntriesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<SpireEntryModel>?>(null);

    /// <summary>
    /// Deletes (revokes) or re-creates identities' SPIRE entries; returns the entries changed, or null without mutual
    /// authentication. Bad input (no identity and no labels, an unknown identity) is a <see cref="ClusterException"/>.
    /// </summary>
    Task<IReadOnlyList<SpireEntryModel>?> ChangeSpireEntriesAsync(SpireEntryChange change, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SpireEntryModel>?>(null);

    /// <summary>Each node's transparent encryption (<c>cilium-dbg encrypt status</c>); null when the backend cannot say.</summary>
    Task<IReadOnlyList<EncryptionStatusModel>?> GetEncryptionStatusAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<EncryptionStatusModel>?>(null);
    /// <summary>Runs a read-only, bounded packet capture on a node's underlay; null when the backend offers none.</summary>
    Task<NodeCaptureReply?> CaptureOnNodeAsync(NodeCaptureRequest request, CancellationToken ct) => Task.FromResult<NodeCaptureReply?>(null);
    /// <summary>
    /// Runtime-security events (Tetragon's <c>GetEvents</c> shapes) from the lab's history, oldest first; null when the
    /// backend runs no runtime sensor (the default). A kind backend can answer with real Tetragon events.
    /// </summary>
    Task<IReadOnlyList<TetragonEvent>?> GetRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<TetragonEvent>?>(null);

    /// <summary>
    /// The query's history (<see cref="RuntimeEventQuery.Last"/>; 0 for none, as <c>tetra getevents</c> starts), then live
    /// events until cancelled. A backend without a runtime sensor throws <see cref="ClusterException"/> saying so.
    /// </summary>
    IAsyncEnumerable<TetragonEvent> FollowRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) =>
        throw new ClusterException("this cluster runs no runtime-security sensor (Tetragon events)");
}

/// <summary>A flow query: filters plus <c>--last</c> (default 20), <c>--first</c>, <c>--all</c>, <c>--since</c>, <c>--until</c>.</summary>
public sealed record FlowQuery(FlowFilterSet Filter, int? Last = 20, int? First = null, bool All = false, Timestamp? Since = null, Timestamp? Until = null)
{
    public static readonly FlowQuery Default = new(FlowFilterSet.All);
}

using System.Reflection;
using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Datapath;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The <see cref="IClusterInspector"/> face of a netns lab: flows from the lab's ring, endpoints, identities and
/// eBPF maps from its policy agent, services from the socket-LB.
/// </summary>
public sealed partial class NetnsCluster : IClusterInspector
{
    /// <summary>The lab's policy agent (null once destroyed).</summary>
    public LabPolicyAgent? Policy => _policy;

    private LabPolicyAgent Agent => _policy ?? throw new ClusterException($"cluster {Name} is destroyed");

    /// <summary>The lab's mutual-auth manager (its CA, listeners and handshake counts); null once destroyed.</summary>
    public Auth.MutualAuthAgent? MutualAuth => _policy?.MutualAuth;

    public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct) =>
        Task.FromResult(Agent.Flows.History(query.Filter, query.All ? null : query.First is null ? query.Last : null, query.First, query.Since, query.Until));

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Agent.Flows.FollowAsync(query.Filter, query.Last ?? 20, ct))
        {
            yield return e;
        }
    }

    public async Task<string?> GetHubbleMetricsAsync(CancellationToken ct) => await Agent.Metrics.ExportAsync(ct);

    public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => Task.FromResult(Agent.Endpoints());

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => Task.FromResult(Agent.IdentityList());

    public Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) => Task.FromResult(Agent.PolicyMap(endpointId));

    public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) => Task.FromResult(Agent.Conntrack());

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) => Task.FromResult(Agent.Ipcache());

    public Task<IReadOnlyList<FqdnCacheEntry>?> GetFqdnCacheAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FqdnCacheEntry>?>(Agent.FqdnCacheList());

    public Task<IReadOnlyList<AuthEntryModel>?> GetAuthEntriesAsync(CancellationToken ct) =>
        Task.FromResult(Agent.MutualAuth?.Entries());

    public Task<IReadOnlyList<SpireEntryModel>?> GetSpireEntriesAsync(CancellationToken ct) =>
        Task.FromResult(Agent.MutualAuth?.SpireEntries(Agent.IdentityList()));

    public Task<IReadOnlyList<SpireEntryModel>?> ChangeSpireEntriesAsync(SpireEntryChange change, CancellationToken ct) =>
        Task.FromResult(Agent.ChangeSpireEntries(change));

    public Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) =>
        Task.FromResult<PolicyRepositoryModel?>(Agent.PolicyRepository());

    public Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct)
    {
        var agent = Agent;
        var (proxyPort, redirects) = agent.ProxyState();
        var pageSize = Environment.SystemPageSize;
        var status = new AgentStatusModel(
            Version: typeof(NetnsCluster).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            KernelVersion: File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            ClusterName: ClusterId == 0 ? Name : ClusterName,
            NodeName: agent.NodeName,
            Endpoints: agent.Endpoints().Count,
            PolicyEnforcement: agent.EnforcementMode.ToString().ToLowerInvariant(),
            Cpus: Environment.ProcessorCount,
            MonitorPages: (int)(agent.EventsRingBytes / pageSize),
            PageSize: pageSize,
            ProxyIp: Addressing.NodeIp.ToString(),
            ProxyPort: proxyPort,
            ProxyRedirects: redirects,
            MinIdentity: agent.IdentityRange.Min,
            MaxIdentity: agent.IdentityRange.Max,
            CurrentFlows: (int)Math.Min(agent.Flows.Written, agent.Flows.Capacity),
            MaxFlows: agent.Flows.Capacity,
            SeenFlows: agent.Flows.Written,
            UptimeSeconds: (DateTimeOffset.UtcNow - agent.StartedAt).TotalSeconds,
            Problem: agent.LastError ?? Mesh?.LastError,
            ClusterMesh: Mesh?.StatusOf(this));
        return Task.FromResult<AgentStatusModel?>(status);
    }

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct)
    {
        IReadOnlyList<ServiceModel> list = ServiceEntries
            .Select(e => new ServiceModel(
                (uint)e.Id, $"{e.Frontend}:{e.Port}/{e.Protocol.ToUpperInvariant()}", "ClusterIP",
                // The printer numbers backends ("1 => ..."), as cilium-dbg service list does.
                e.Backends.Select(b => $"{b.Ip}:{b.Port}/{b.Protocol.ToUpperInvariant()} (active)").ToList()))
            .ToList();
        return Task.FromResult(list);
    }
}

using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Testing;

/// <summary>
/// A fake cluster that answers inspection from fixed models; flows live in a real <see cref="FlowRing"/> (real
/// filters, real follow and loss accounting) whose followers buffer one flow, so a burst loses some. It also owns fixed
/// (made-up) eBPF object ids, for the agent's bpf-objects route.
/// </summary>
public sealed class FakeAgentInspectingCluster(string name, string? labId) : FakeClusterBackend.FakeCluster(name, labId), IClusterInspector, IBpfObjects
{
    public FlowRing Flows { get; } = new(capacity: 4095, subscriberBuffer: 1);

    public List<EndpointModel> Endpoints { get; } =
    [
        new(2, 258, ["k8s:class=xwing", "k8s:org=alliance"], "10.0.0.12", "", "Disabled", "Disabled", "ready", "default", "xwing"),
        new(3, 257, ["k8s:class=deathstar", "k8s:org=empire"], "10.0.0.13", "", "Enabled", "Disabled", "ready", "default", "deathstar-1"),
    ];

    public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct) =>
        Task.FromResult(Flows.History(query.Filter, query.All ? null : query.First is null ? query.Last : null, query.First, query.Since, query.Until));

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Flows.FollowAsync(query.Filter, query.Last ?? 20, ct))
        {
            yield return e;
        }
    }

    public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<EndpointModel>>(Endpoints);

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<IdentityModel>>([new IdentityModel(1, ["reserved:host"]), new IdentityModel(257, ["k8s:class=deathstar", "k8s:org=empire"])]);

    public Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) => Task.FromResult(endpointId == 3
        ? new PolicyMapDump(3, [new PolicyMapEntryDump(false, false, 257, 6, 80, 24), new PolicyMapEntryDump(false, true, 0, 0, 0, 0, Packets: 4, Bytes: 300)])
        : null);

    public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ConntrackEntry>>([new ConntrackEntry("TCP", "OUT", "10.0.0.12:38424", "10.0.0.13:80", 21600, 3, 180, 0x12, 0x02, 0x10, 258)]);

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<IpcacheEntry>>([new IpcacheEntry("0.0.0.0/0", 2), new IpcacheEntry("10.0.0.13/32", 257)]);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ServiceModel>>([new ServiceModel(1, "10.96.0.10:80/TCP", "ClusterIP", ["10.0.0.13:80/TCP (active)"])]);

    public Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) =>
        Task.FromResult<PolicyRepositoryModel?>(new PolicyRepositoryModel("[]", 1));

    public Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct) => Task.FromResult<AgentStatusModel?>(new AgentStatusModel(
        "1.0.0", "6.18.0", Name, "labsite/" + Name, Endpoints.Count, "default", 2, 256, 4096, "10.200.0.1", 15080, 0, 256, 65535,
        (int)Flows.Written, Flows.Capacity, Flows.Written, 12.5));

    public LabBpfObjects BpfObjects { get; } = new("/sys/fs/bpf/labsite/fake", [
        new(BpfObjectKind.Program, 41),
        new(BpfObjectKind.Map, 7),
        new(BpfObjectKind.Map, 8, "/sys/fs/bpf/labsite/fake/ls_ipcache"),
        new(BpfObjectKind.Map, 90, "/sys/fs/bpf/labsite/fake/ls_pol_00003"),
    ]);

    public Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct) => Task.FromResult(BpfObjects);
}

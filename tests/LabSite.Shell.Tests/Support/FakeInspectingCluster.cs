using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Support;

/// <summary>A fake cluster that also answers inspection; flows live in the real <see cref="FlowRing"/> (real filters).</summary>
internal sealed class FakeInspectingCluster : FakeLabCluster, IClusterInspector
{
    public FlowRing Flows { get; } = new();

    public List<EndpointModel> Endpoints { get; } = [];

    public List<IdentityModel> Identities { get; } = [];

    public Dictionary<ushort, PolicyMapDump> PolicyMaps { get; } = [];

    /// <summary>What policy get answers; null (the default) means the backend keeps no repository.</summary>
    public PolicyRepositoryModel? Repository { get; set; }

    /// <summary>What status answers; null (the default) means the backend reports none.</summary>
    public AgentStatusModel? Status { get; set; }

    public Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) => Task.FromResult(Repository);

    public Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct) => Task.FromResult(Status);

    public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct) =>
        Task.FromResult(Flows.History(query.Filter, query.All ? null : query.Last, query.First, query.Since, query.Until));

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Flows.FollowAsync(query.Filter, query.Last ?? 0, ct))
        {
            yield return e;
        }
    }

    public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<EndpointModel>>(Endpoints);

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<IdentityModel>>(Identities);

    public Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) => Task.FromResult(PolicyMaps.GetValueOrDefault(endpointId));

    public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ConntrackEntry>>([]);

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<IpcacheEntry>>([new IpcacheEntry("10.0.0.30/32", 22654)]);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ServiceModel>>([new ServiceModel(1, "10.96.12.7:80", "ClusterIP", ["10.0.0.147:80 (active)", "10.0.0.148:80 (active)"])]);
}

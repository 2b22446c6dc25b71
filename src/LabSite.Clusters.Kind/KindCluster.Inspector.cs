using System.Runtime.CompilerServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Kind.Cilium;
using LabSite.Clusters.Kind.Hubble;

namespace LabSite.Clusters.Kind;

/// <summary>
/// Inspection of a kind cluster from the real Cilium: <c>cilium-dbg ... -o json</c> in the agent pods
/// (<see cref="CiliumAgents"/>), flows from hubble-relay (<see cref="HubbleClient"/> over <see cref="RelayPortForward"/>).
/// Endpoints and policy maps are per node, so they are asked of every agent; identities, ipcache and services of one.
/// </summary>
public sealed partial class KindCluster : IClusterInspector
{
    /// <summary>How cilium-dbg is started in the agent container; the tests put a stand-in here.</summary>
    public IReadOnlyList<string> CiliumDbgCommand { get; init; } = ["cilium-dbg"];

    /// <summary>How a Hubble connection is opened: a port-forward to hubble-relay unless replaced (the tests use a lab's socket).</summary>
    public Func<CancellationToken, ValueTask<Stream>>? HubbleConnection { get; init; }

    private CiliumAgents Agents => new(() => KindBackend.Client(kubeconfig), CiliumDbgCommand);

    public async Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct)
    {
        using var hubble = Hubble();
        return await hubble.GetFlowsAsync(query, ct);
    }

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        using var hubble = Hubble();
        await foreach (var e in hubble.FollowAsync(query, ct))
        {
            yield return e;
        }
    }

    public async Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct)
    {
        var agents = Agents;
        var all = new List<EndpointModel>();
        foreach (var pod in await agents.ListAsync(ct))
        {
            all.AddRange(await OnAsync(agents, pod, ["endpoint", "list", "-o", "json"], CiliumDbgJson.ReadEndpoints, ct));
        }
        return all;
    }

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) =>
        OnAnyAsync(["identity", "list", "-o", "json"], CiliumDbgJson.ReadIdentities, ct);

    public async Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct)
    {
        var agents = Agents;
        var id = endpointId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] args = ["bpf", "policy", "get", id, "-o", "json"];
        // endpoint ids are per node: the first agent that has the endpoint answers
        foreach (var pod in await agents.ListAsync(ct))
        {
            var (output, _) = await agents.TryRunAsync(pod, args, ct);
            if (output is not null)
            {
                return CiliumAgents.Parse(pod, args, output, o => CiliumDbgJson.ReadPolicyMap(endpointId, o));
            }
        }
        return null;
    }

    public async Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct)
    {
        var agents = Agents;
        var all = new List<ConntrackEntry>();
        foreach (var pod in await agents.ListAsync(ct))
        {
            all.AddRange(await OnAsync(agents, pod, ["bpf", "ct", "list", "global"], CiliumDbgJson.ReadConntrack, ct));
        }
        return all;
    }

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) =>
        OnAnyAsync(["bpf", "ipcache", "list", "-o", "json"], CiliumDbgJson.ReadIpcache, ct);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) =>
        OnAnyAsync(["service", "list", "-o", "json"], CiliumDbgJson.ReadServices, ct);

    private HubbleClient Hubble()
    {
        var connect = HubbleConnection ?? (ct => RelayPortForward.ConnectAsync(() => KindBackend.Client(kubeconfig), ct));
        return new HubbleClient(HubbleConnection is null ? "hubble-relay (port-forward)" : "the lab's Hubble API", connect);
    }

    private async Task<T> OnAnyAsync<T>(string[] args, Func<string, T> parse, CancellationToken ct)
    {
        var agents = Agents;
        return await OnAsync(agents, (await agents.ListAsync(ct))[0], args, parse, ct);
    }

    private static async Task<T> OnAsync<T>(CiliumAgents agents, AgentPod pod, string[] args, Func<string, T> parse, CancellationToken ct) =>
        CiliumAgents.Parse(pod, args, await agents.RunAsync(pod, args, ct), parse);
}

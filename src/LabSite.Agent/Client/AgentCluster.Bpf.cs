using LabSite.Clusters.Contract;

namespace LabSite.Agent.Client;

/// <summary>
/// <see cref="IBpfObjects"/> over the agent API, so <c>bpftool</c> in a shell attached to a running agent (e.g.
/// <c>labsite cluster shell</c>) sees the lab's programs and maps. Kernel ids mean something only on the agent's host;
/// that is always this host, because the agent is reached only through its root-only unix socket, and its bpffs pin
/// folder is ours too. A backend without eBPF objects answers 501, which surfaces as a <see cref="ClusterException"/>
/// carrying the agent's sentence (see <see cref="LabBpfObjects.NoneIn"/>).
/// </summary>
internal sealed partial class AgentCluster : IBpfObjects
{
    public async Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct) =>
        await AgentClient.ReadAsync<LabBpfObjects>(await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Route(AgentRoutes.BpfObjects)), ct), ct);
}

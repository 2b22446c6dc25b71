using LabSite.Clusters.Contract.LearnerBpf;

namespace LabSite.Agent.Client;

/// <summary><see cref="ILearnerBpf"/> over the agent API (see <c>Server/AgentLearnerBpfApi.cs</c>).</summary>
internal sealed partial class AgentCluster : ILearnerBpf
{
    public async Task<BpfCompileResult> CompileBpfAsync(BpfCompileRequest request, CancellationToken ct) =>
        await AgentClient.ReadAsync<BpfCompileResult>(await Client.SendAsync(Post(AgentRoutes.BpfCompile, request), ct), ct);

    public async Task<LearnerBpfProgram> LoadBpfAsync(LearnerBpfLoadRequest request, CancellationToken ct) =>
        await AgentClient.ReadAsync<LearnerBpfProgram>(await Client.SendAsync(Post(AgentRoutes.BpfPrograms, request), ct), ct);

    public async Task<IReadOnlyList<LearnerBpfProgram>> ListBpfAsync(CancellationToken ct) =>
        await AgentClient.ReadAsync<List<LearnerBpfProgram>>(await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Route(AgentRoutes.BpfPrograms)), ct), ct);

    public async Task<bool> UnloadBpfAsync(string name, CancellationToken ct) =>
        (await AgentClient.ReadAsync<BpfUnloaded>(await Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, Route(AgentRoutes.BpfProgram, name)), ct), ct)).Removed;

    private HttpRequestMessage Post<T>(string route, T body) =>
        new(HttpMethod.Post, Route(route)) { Content = JsonContent.Create(body, options: AgentProtocol.Json) };
}

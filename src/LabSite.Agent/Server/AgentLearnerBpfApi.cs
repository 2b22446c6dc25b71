using LabSite.Agent.Client;
using LabSite.Clusters.Contract.LearnerBpf;

namespace LabSite.Agent.Server;

/// <summary>
/// The learner's own eBPF programs (<see cref="ILearnerBpf"/>) for the lab shell's <c>clang</c> and <c>bpf</c>: compile,
/// load, list, unload. The backend checks everything (clang's arguments, the object, the target pod); a refusal comes
/// back as an error carrying its reason, the verifier's log included.
/// </summary>
public static class AgentLearnerBpfApi
{
    public static RouteGroupBuilder MapAgentLearnerBpfApi(this RouteGroupBuilder api)
    {
        api.MapPost(AgentRoutes.BpfCompile, (string cluster, BpfCompileRequest body, BackendRouter agent, CancellationToken ct) =>
            Answer(cluster, agent, async b => AgentApi.Json(await b.CompileBpfAsync(body, ct)), ct)).WithName("BpfCompile");
        api.MapGet(AgentRoutes.BpfPrograms, (string cluster, BackendRouter agent, CancellationToken ct) =>
            Answer(cluster, agent, async b => AgentApi.Json(await b.ListBpfAsync(ct)), ct)).WithName("BpfPrograms");
        api.MapPost(AgentRoutes.BpfPrograms, (string cluster, LearnerBpfLoadRequest body, BackendRouter agent, CancellationToken ct) =>
            Answer(cluster, agent, async b => AgentApi.Json(await b.LoadBpfAsync(body, ct)), ct)).WithName("BpfLoad");
        api.MapDelete(AgentRoutes.BpfProgram, (string cluster, string name, BackendRouter agent, CancellationToken ct) =>
            Answer(cluster, agent, async b => AgentApi.Json(new BpfUnloaded(await b.UnloadBpfAsync(name, ct))), ct)).WithName("BpfUnload");
        return api;
    }

    private static Task<IResult> Answer(string cluster, BackendRouter agent, Func<ILearnerBpf, Task<IResult>> answer, CancellationToken ct) =>
        AgentInspectionApi.AnswerAsync(cluster, agent, c => AgentApi.Error(501, $"cluster \"{c.Name}\" ({c.Backend}) cannot load programs of yours (the netns backend can)"), answer, ct);
}

using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Client;

/// <summary>The real kubectl, run by the agent inside the lab's network (see <c>Server/KubeApi/KubectlEndpoint.cs</c>).</summary>
internal sealed partial class AgentCluster
{
    public async Task<int> RunKubectlAsync(KubectlInvocation invocation, ExecStreams streams, CancellationToken ct)
    {
        var stdin = streams.StandardInput is { } input ? Convert.ToBase64String(await ReadStdinAsync(input, "kubectl", ct)) : null;
        var files = invocation.Files.ToDictionary(f => f.Key, f => Convert.ToBase64String(f.Value), StringComparer.Ordinal);
        var body = new KubectlBody(invocation.Args, files, stdin);
        var message = new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.Kubectl)) { Content = JsonContent.Create(body, options: AgentProtocol.Json) };
        using var response = await Client.SendAsync(message, ct, HttpCompletionOption.ResponseHeadersRead);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        await foreach (var frame in NdjsonReader.ReadAsync<ExecFrame>(response, ct))
        {
            if (await ApplyAsync(frame, streams, ct) is { } exit)
            {
                return exit;
            }
        }
        throw new ClusterException($"kubectl in {Name}: the agent closed the stream without an exit code (see the agent's log)");
    }
}

using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Client;

/// <summary>
/// A cluster the agent runs, seen through its API (see <see cref="AgentProtocol"/>). Its inspection side
/// (flows, endpoints, maps, policy, status) is in <c>AgentCluster.Inspector.cs</c>.
/// </summary>
internal sealed partial class AgentCluster(AgentClient client, string name, string backend) : ILabCluster
{
    public string Name { get; } = name;

    public string Backend { get; } = backend;

    private string Route(string template, params string[] values) => AgentRoutes.Url(template, [Name, .. values]);

    private AgentClient Client => client;

    public async Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.Manifests) + $"?mode={mode.ToString().ToLowerInvariant()}")
        {
            Content = JsonContent.Create(new ManifestBody(manifests.Text, manifests.Source), options: AgentProtocol.Json),
        };
        return await AgentClient.ReadAsync<ApplyResult>(await client.SendAsync(message, ct), ct);
    }

    public async Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        var parameters = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                parameters.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }
        Add("namespace", query.Namespace);
        Add("selector", query.LabelSelector);
        Add("name", query.Name);
        var url = Route(AgentRoutes.Objects, query.Kind) + (parameters.Count > 0 ? "?" + string.Join("&", parameters) : "");
        try
        {
            var list = await AgentClient.ReadAsync<JsonObject>(await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct), ct);
            return KubeList.Items(list);
        }
        catch (ArgumentException e)
        {
            throw new ClusterException(e.Message, e); // the contract's error for a refused query, as in-process
        }
    }

    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        var body = new ExecBody(request.Namespace, request.Pod, request.Command, request.Timeout?.TotalSeconds, request.Container);
        var message = new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.Exec)) { Content = JsonContent.Create(body, options: AgentProtocol.Json) };
        using var response = await client.SendAsync(message, ct, HttpCompletionOption.ResponseHeadersRead);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        await foreach (var frame in NdjsonReader.ReadAsync<ExecFrame>(response, ct))
        {
            if (frame.Data is { } data)
            {
                var target = frame.Stream == "stderr" ? streams.StandardError : streams.StandardOutput;
                await target.WriteAsync(Convert.FromBase64String(data), ct);
                await target.FlushAsync(ct);
            }
            else if (frame.Exit is { } exit)
            {
                return exit;
            }
            else if (frame.Error is { } error)
            {
                throw new ClusterException(error);
            }
        }
        throw new ClusterException($"exec in {request.Namespace}/{request.Pod}: the agent closed the stream without an exit code (see the agent's log)");
    }

    public async Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct)
    {
        var url = Route(AgentRoutes.Logs, @namespace, pod) + (tailLines is { } n ? $"?tail={n}" : "");
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }
}

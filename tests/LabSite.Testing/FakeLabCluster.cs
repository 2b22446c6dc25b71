using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Testing;

/// <summary>
/// An in-memory ILabCluster for unit tests of the shell's own logic: serves fixed objects, filters like the API server
/// (kind, namespace, name, equality label selectors), records applies and execs.
/// </summary>
public class FakeLabCluster : ILabCluster
{
    public List<KubeObject> Objects { get; } = [];

    public List<(ManifestText Manifest, ApplyMode Mode)> Applied { get; } = [];

    public List<ExecRequest> Execs { get; } = [];

    public Func<ExecRequest, ExecStreams, CancellationToken, Task<int>> OnExec { get; set; } = async (request, streams, ct) =>
    {
        await streams.StandardOutput.WriteAsync(Encoding.UTF8.GetBytes("Ship landed\n"), ct);
        return 0;
    };

    public Func<ManifestText, ApplyMode, ApplyResult> OnApply { get; set; } = (m, mode) => new ApplyResult([$"applied {m.Source}"], []);

    /// <summary>Called before each get is answered: tests change <see cref="Objects"/> here between the polls of a watch.</summary>
    public Action<ObjectQuery>? BeforeGet { get; set; }

    public string Name => "fake";

    public string Backend => "fake";

    public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct)
    {
        Applied.Add((manifests, mode));
        return Task.FromResult(OnApply(manifests, mode));
    }

    public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        BeforeGet?.Invoke(query);
        var kind = s_kinds.GetValueOrDefault(query.Kind) ?? throw new InvalidOperationException($"fake: unknown kind {query.Kind}");
        IEnumerable<KubeObject> found = Objects.Where(o => o.Kind == kind);
        if (query.Namespace is not null && query.Namespace != "*")
        {
            found = found.Where(o => o.Namespace == query.Namespace);
        }
        if (query.Name is not null)
        {
            found = found.Where(o => o.Name == query.Name);
        }
        if (query.LabelSelector is not null)
        {
            var pairs = query.LabelSelector.Split(',').Select(p => p.Split('=')).ToList();
            found = found.Where(o => pairs.All(p => o.Labels.TryGetValue(p[0], out var v) && v == p[1]));
        }
        return Task.FromResult<IReadOnlyList<KubeObject>>(found.ToList());
    }

    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        Execs.Add(request);
        return await OnExec(request, streams, ct);
    }

    public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) =>
        Task.FromResult($"logs of {@namespace}/{pod} tail={tailLines?.ToString() ?? "all"}\n");

    private static readonly Dictionary<string, string> s_kinds = new()
    {
        ["pods"] = "Pod",
        ["services"] = "Service",
        ["deployments"] = "Deployment",
        ["replicasets"] = "ReplicaSet",
        ["endpoints"] = "Endpoints",
        ["namespaces"] = "Namespace",
        ["ciliumnetworkpolicies"] = "CiliumNetworkPolicy",
        ["ciliumclusterwidenetworkpolicies"] = "CiliumClusterwideNetworkPolicy",
        ["networkpolicies"] = "NetworkPolicy",
        ["configmaps"] = "ConfigMap",
        ["daemonsets"] = "DaemonSet",
    };

    public FakeLabCluster Add(string json)
    {
        Objects.Add(new KubeObject(JsonNode.Parse(json)!.AsObject()));
        return this;
    }
}

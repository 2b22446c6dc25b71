using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Grader.Tests.Fakes;

/// <summary>
/// A cluster held in lists, for unit tests of the evaluators' own logic: objects by kind, endpoints, identities,
/// policy maps, flows, and a scripted exec. Flow queries apply the real Hubble filters and the <c>Since</c> window.
/// </summary>
public sealed class FakeCluster : ILabCluster, IClusterInspector
{
    public string Name => "fake";

    public string Backend => "fake";

    public List<KubeObject> Objects { get; } = [];

    public List<EndpointModel> Endpoints { get; } = [];

    public List<IdentityModel> Identities { get; } = [];

    public Dictionary<ushort, PolicyMapDump> PolicyMaps { get; } = [];

    public List<FlowRecord> Flows { get; } = [];

    /// <summary>What exec answers: (exit code, stdout, stderr) for the command line.</summary>
    public Func<ExecRequest, (int Exit, string Stdout, string Stderr)> Exec { get; set; } = _ => (0, "", "");

    public List<ExecRequest> Execs { get; } = [];

    public static readonly Dictionary<string, string> KindOf = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pods"] = "Pod",
        ["pod"] = "Pod",
        ["services"] = "Service",
        ["service"] = "Service",
        ["deployment"] = "Deployment",
        ["ciliumnetworkpolicy"] = "CiliumNetworkPolicy",
        ["namespace"] = "Namespace",
    };

    public void AddPod(string name, IReadOnlyDictionary<string, string> labels, string phase = "Running", bool ready = true, string ip = "10.1.0.9", string ns = "default")
    {
        var labelJson = new JsonObject();
        foreach (var (k, v) in labels)
        {
            labelJson[k] = v;
        }
        Objects.Add(new KubeObject(new JsonObject
        {
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labelJson },
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["podIP"] = ip,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
            },
        }));
    }

    public void AddEndpoint(ushort id, uint identity, string pod, IReadOnlyDictionary<string, string> labels, string ingress = "Disabled", string egress = "Disabled")
    {
        var printable = labels.Select(l => $"k8s:{l.Key}={l.Value}").Append("k8s:io.kubernetes.pod.namespace=default").Order(StringComparer.Ordinal).ToList();
        Endpoints.Add(new EndpointModel(id, identity, printable, $"10.1.0.{id}", "", ingress, egress, "ready", "default", pod));
        if (Identities.All(i => i.Id != identity))
        {
            Identities.Add(new IdentityModel(identity, printable));
        }
    }

    public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) =>
        Task.FromResult(new ApplyResult([], ["the fake cluster does not apply manifests"]));

    public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        var kind = KindOf.GetValueOrDefault(query.Kind, query.Kind);
        IReadOnlyList<KubeObject> found = Objects
            .Where(o => o.Kind == kind && (query.Namespace is null or "*" || o.Namespace == query.Namespace) && (query.Name is null || o.Name == query.Name))
            .ToList();
        return Task.FromResult(found);
    }

    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        Execs.Add(request);
        var (exit, stdout, stderr) = Exec(request);
        await streams.StandardOutput.WriteAsync(Encoding.UTF8.GetBytes(stdout), ct);
        await streams.StandardError.WriteAsync(Encoding.UTF8.GetBytes(stderr), ct);
        return exit;
    }

    public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => Task.FromResult("");

    public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct)
    {
        IReadOnlyList<FlowRecord> found = Flows
            .Where(r => (query.Since is not { } since || r.Time.CompareTo(since) >= 0) && query.Filter.Matches(r.Flow))
            .ToList();
        return Task.FromResult(found);
    }

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var r in await GetFlowsAsync(query, ct))
        {
            yield return new FlowEvent(r, null);
        }
    }

    public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<EndpointModel>>(Endpoints);

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<IdentityModel>>(Identities);

    public Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) => Task.FromResult(PolicyMaps.GetValueOrDefault(endpointId));

    public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ConntrackEntry>>([]);

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<IpcacheEntry>>([]);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ServiceModel>>([]);
}

/// <summary>The same objects without inspection, like a backend that offers no flow or map access yet.</summary>
public sealed class PlainCluster(FakeCluster inner) : ILabCluster
{
    public string Name => "plain";

    public string Backend => "plain";

    public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => inner.ApplyAsync(manifests, mode, ct);

    public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) => inner.GetAsync(query, ct);

    public Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct) => inner.ExecAsync(request, streams, ct);

    public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => inner.LogsAsync(@namespace, pod, tailLines, ct);
}

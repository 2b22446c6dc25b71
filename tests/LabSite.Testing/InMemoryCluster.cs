using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Flows.Metrics;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Testing;

/// <summary>
/// The tests' one in-memory lab cluster. Objects live in the real <see cref="ObjectStore"/> (kubectl's apply, create,
/// delete and get, with the built-in controllers), created at <see cref="Clock"/>'s time; a pod turns Running with an
/// IP as soon as it is stored (unless <see cref="StartPods"/> is off). Flows live in a real <see cref="FlowRing"/>
/// (real filters, follow and loss accounting). Policies are validated as the netns backend does. Inspection models, eBPF objects, exec and logs are what a test sets.
/// <see cref="WithoutInspection"/> is the same cluster as a backend that offers neither inspection nor eBPF objects.
/// </summary>
public sealed class InMemoryCluster : ILabCluster, IClusterInspector, IBpfObjects
{
    private int _nextIp = 10;

    public InMemoryCluster(string name = "fake", string? labId = null, FlowRing? flows = null, int seed = 7, DateTimeOffset? now = null)
    {
        Name = name;
        LabId = labId;
        Clock = new ManualClock(now ?? DateTimeOffset.UtcNow);
        Flows = flows ?? new FlowRing { Observer = Metrics.Process };
        Store = StoreFixture.NewStore(seed, Clock, validatePolicies: true);
        Store.Subscribe(change =>
        {
            if (StartPods && change is { Type: ChangeType.Added, Kind.Kind: "Pod" })
            {
                var ip = $"10.0.0.{Interlocked.Increment(ref _nextIp)}";
                Store.UpdatePodStatus(change.Object.Namespace!, change.Object.Name, PodStatus.Running(change.Object, ip, "10.0.0.1", Clock.GetUtcNow()));
            }
        });
    }

    public string Name { get; }

    public string Backend => "fake";

    public string? LabId { get; }

    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The store's clock: objects are created (and pods started) at its <see cref="ManualClock.Now"/>.</summary>
    public ManualClock Clock { get; }

    public ObjectStore Store { get; }

    /// <summary>Whether a stored pod turns Running at once with the next free IP (10.0.0.11, .12, ...), as in a lab.</summary>
    public bool StartPods { get; set; } = true;

    /// <summary>Every apply, create and delete the cluster was asked for, in order.</summary>
    public List<(ManifestText Manifest, ApplyMode Mode)> Applied { get; } = [];

    /// <summary>Called before each get is answered: tests change the store here between the polls of a watch.</summary>
    public Action<ObjectQuery>? BeforeGet { get; set; }

    public List<ExecRequest> Execs { get; } = [];

    /// <summary>What exec runs (after the pod is found); by default <c>echo ARGS</c>, <c>warn TEXT</c> (stderr), <c>exit N</c>.</summary>
    public Func<ExecRequest, ExecStreams, CancellationToken, Task<int>> OnExec { get; set; } = EchoExecAsync;

    public FlowRing Flows { get; }

    /// <summary>Hubble metrics counted from the flows written to <see cref="Flows"/> (when the ring is the cluster's own).</summary>
    public HubbleMetrics Metrics { get; } = new();

    /// <summary>Whether <see cref="GetHubbleMetricsAsync"/> serves <see cref="Metrics"/> (else null, as a backend without metrics).</summary>
    public bool ServesMetrics { get; set; } = true;

    public List<EndpointModel> Endpoints { get; } = [];

    public List<IdentityModel> Identities { get; } = [];

    public Dictionary<ushort, PolicyMapDump> PolicyMaps { get; } = [];

    public List<ConntrackEntry> Conntrack { get; } = [];

    public List<IpcacheEntry> Ipcache { get; } = [];

    /// <summary>The FQDN cache to report; null reports none (as a backend without a DNS proxy).</summary>
    public List<FqdnCacheEntry>? FqdnCache { get; set; }

    public List<ServiceModel> Services { get; } = [];

    /// <summary>What policy get answers; null (the default) means the backend keeps no repository.</summary>
    public PolicyRepositoryModel? Repository { get; set; }

    /// <summary>What status answers; null (the default) means the backend reports none.</summary>
    public AgentStatusModel? Status { get; set; }

    public LabBpfObjects BpfObjects { get; set; } = new("/sys/fs/bpf/labsite/fake", []);

    public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct)
    {
        Applied.Add((manifests, mode));
        return Task.FromResult(Store.Apply(manifests, mode));
    }

    /// <summary>The store's objects as the agent's clients receive them: parsed from JSON text, so a number reads as any numeric type.</summary>
    public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        BeforeGet?.Invoke(query);
        try
        {
            return Task.FromResult<IReadOnlyList<KubeObject>>(Store.Get(query).Select(o => new KubeObject(JsonNode.Parse(o.Json.ToJsonString())!.AsObject())).ToList());
        }
        catch (ArgumentException e)
        {
            throw new ClusterException(e.Message, e);
        }
    }

    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        if (Store.Get(new ObjectQuery("pods", request.Namespace, Name: request.Pod)).Count == 0)
        {
            throw new ClusterException($"pods \"{request.Pod}\" not found");
        }
        Execs.Add(request);
        return await OnExec(request, streams, ct);
    }

    public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) =>
        Task.FromResult($"logs of {@namespace}/{pod} tail={tailLines?.ToString() ?? "all"}\n");

    /// <summary>Stores the objects of <paramref name="yaml"/> (kubectl apply, or create); throws when the store refuses them.</summary>
    public InMemoryCluster Apply(string yaml, string source = "test.yaml", ApplyMode mode = ApplyMode.Apply)
    {
        var result = Store.Apply(new ManifestText(yaml, source), mode);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{source}: {string.Join("; ", result.Errors)}");
        }
        return this;
    }

    /// <summary>Stores a one-container pod; it runs with <paramref name="ip"/>, or waits (Pending, not ready) when <paramref name="running"/> is false.</summary>
    public InMemoryCluster AddPod(string name, IReadOnlyDictionary<string, string> labels, string ip = "10.1.0.9", bool running = true, string ns = "default")
    {
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))) },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "quay.io/cilium/json-mock:v1.3.8" }) },
        };
        Apply(pod.ToJsonString(), name + ".json");
        SetPodStatus(name, ip, running, ns);
        return this;
    }

    /// <summary>Reports a pod Running and ready with <paramref name="ip"/>, or waiting for its image (Pending, not ready), as the kubelet would.</summary>
    public void SetPodStatus(string name, string? ip, bool running = true, string ns = "default")
    {
        var pod = Store.Get(new ObjectQuery("pods", ns, Name: name)).Single();
        var status = running
            ? PodStatus.Running(pod, ip!, "10.0.0.1", Clock.GetUtcNow())
            : PodStatus.Waiting(pod, ip, "10.0.0.1", Clock.GetUtcNow(), "ContainerCreating", "");
        Store.UpdatePodStatus(ns, name, status);
    }

    /// <summary>Re-applies an object as <paramref name="edit"/> changes it (its status and server-set metadata left out), as kubectl edit does.</summary>
    public void Edit(string kind, string name, Action<JsonObject> edit, string ns = "default")
    {
        var json = Store.Get(new ObjectQuery(kind, ns, Name: name)).Single().Json;
        json.Remove("status");
        var metadata = json["metadata"]!.AsObject();
        foreach (var key in new[] { "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "ownerReferences" })
        {
            metadata.Remove(key);
        }
        edit(json);
        Apply(json.ToJsonString(), name + ".json");
    }

    public void Delete(string kind, string name, string ns = "default")
    {
        var result = Store.Delete(kind, ns, name);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }
    }

    /// <summary>Adds an endpoint of <paramref name="pod"/> whose labels print as Cilium's (k8s:...), and its identity once.</summary>
    public void AddEndpoint(ushort id, uint identity, string pod, IReadOnlyDictionary<string, string> labels, string ip, string ingress = "Disabled", string egress = "Disabled")
    {
        var printable = labels.Select(l => $"k8s:{l.Key}={l.Value}").Append("k8s:io.kubernetes.pod.namespace=default").Order(StringComparer.Ordinal).ToList();
        Endpoints.Add(new EndpointModel(id, identity, printable, ip, "", ingress, egress, "ready", "default", pod));
        if (Identities.All(i => i.Id != identity))
        {
            Identities.Add(new IdentityModel(identity, printable));
        }
    }

    /// <summary>Exec answers <paramref name="answer"/>'s exit code, stdout and stderr for each command.</summary>
    public void AnswerExec(Func<ExecRequest, (int Exit, string Stdout, string Stderr)> answer) =>
        OnExec = async (request, streams, ct) =>
        {
            var (exit, stdout, stderr) = answer(request);
            await streams.StandardOutput.WriteAsync(Encoding.UTF8.GetBytes(stdout), ct);
            await streams.StandardError.WriteAsync(Encoding.UTF8.GetBytes(stderr), ct);
            return exit;
        };

    /// <summary>The same cluster as a backend without inspection or eBPF objects sees it.</summary>
    public ILabCluster WithoutInspection() => new ObjectsOnly(this);

    /// <summary>Runtime-security events (write them to see them in tetra getevents and runtime checks); null: no sensor.</summary>
    public RuntimeEventRing? RuntimeEvents { get; set; } = new();

    public Task<IReadOnlyList<TetragonEvent>?> GetRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) =>
        Task.FromResult(RuntimeEvents?.History(query.Filter, query.Last));

    public IAsyncEnumerable<TetragonEvent> FollowRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct) =>
        RuntimeEvents is { } ring ? ring.FollowAsync(query.Filter, query.Last ?? 0, ct) : throw new ClusterException("this cluster runs no runtime-security sensor");

    public async Task<string?> GetHubbleMetricsAsync(CancellationToken ct) => ServesMetrics ? await Metrics.ExportAsync(ct) : null;

    public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct) =>
        Task.FromResult(Flows.History(query.Filter, query.All ? null : query.First is null ? query.Last : null, query.First, query.Since, query.Until));

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Flows.FollowAsync(query.Filter, query.Last ?? 20, ct))
        {
            yield return e;
        }
    }

    public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<EndpointModel>>([.. Endpoints]);

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<IdentityModel>>([.. Identities]);

    public Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) => Task.FromResult(PolicyMaps.GetValueOrDefault(endpointId));

    public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ConntrackEntry>>([.. Conntrack]);

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<IpcacheEntry>>([.. Ipcache]);

    public Task<IReadOnlyList<FqdnCacheEntry>?> GetFqdnCacheAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FqdnCacheEntry>?>(FqdnCache is null ? null : [.. FqdnCache]);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ServiceModel>>([.. Services]);

    public Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) => Task.FromResult(Repository);

    public Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct) => Task.FromResult(Status);

    public Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct) => Task.FromResult(BpfObjects);

    private static async Task<int> EchoExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        var args = request.Command.Skip(1);
        switch (request.Command[0])
        {
            case "echo":
                await streams.StandardOutput.WriteAsync(Encoding.UTF8.GetBytes(string.Join(" ", args) + "\n"), ct);
                return 0;
            case "warn":
                await streams.StandardError.WriteAsync(Encoding.UTF8.GetBytes(string.Join(" ", args) + "\n"), ct);
                return 0;
            case "exit":
                return int.Parse(request.Command[1]);
            case "cat" when streams.StandardInput is { } stdin:
                await stdin.CopyToAsync(streams.StandardOutput, ct);
                return 0;
            case "tty" when request.Tty:
                return await FakeTerminalAsync(streams, ct);
            default:
                await streams.StandardError.WriteAsync(Encoding.UTF8.GetBytes($"{request.Command[0]}: not found\n"), ct);
                return 127;
        }
    }

    /// <summary>
    /// A stand-in for an interactive shell: says its window size (and each new one), echoes typed lines with CR LF as a
    /// terminal would, and ends with the code of a line <c>exit N</c> (0 at end of input).
    /// </summary>
    private static async Task<int> FakeTerminalAsync(ExecStreams streams, CancellationToken ct)
    {
        async Task Say(string text) => await streams.StandardOutput.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        var window = streams.Terminal ?? throw new InvalidOperationException("a TTY exec without a terminal");
        await Say($"size {window.Size.Columns}x{window.Size.Rows}\r\n");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var resizes = Task.Run(async () =>
        {
            await foreach (var size in window.Resizes.ReadAllAsync(stop.Token))
            {
                await Say($"size {size.Columns}x{size.Rows}\r\n");
            }
        }, stop.Token);
        try
        {
            // A terminal in cooked mode ends a line at CR or LF (ICRNL): a browser's Enter is CR, and nothing follows it.
            var input = streams.StandardInput ?? Stream.Null;
            var line = new List<byte>();
            var one = new byte[1];
            var afterCr = false;
            while (await input.ReadAsync(one, ct) > 0)
            {
                var crlf = afterCr && one[0] == (byte)'\n';
                afterCr = one[0] == (byte)'\r';
                if (crlf)
                {
                    continue;
                }
                if (one[0] is not ((byte)'\r' or (byte)'\n'))
                {
                    line.Add(one[0]);
                    continue;
                }
                var text = Encoding.UTF8.GetString(line.ToArray());
                line.Clear();
                await Say(text + "\r\n");
                if (text.StartsWith("exit ", StringComparison.Ordinal))
                {
                    return int.Parse(text[5..]);
                }
            }
            return 0;
        }
        finally
        {
            await stop.CancelAsync();
            await resizes.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Only the <see cref="ILabCluster"/> face, so type tests for inspection and eBPF objects fail.</summary>
    private sealed class ObjectsOnly(InMemoryCluster cluster) : ILabCluster
    {
        public string Name => cluster.Name;

        public string Backend => cluster.Backend;

        public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => cluster.ApplyAsync(manifests, mode, ct);

        public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) => cluster.GetAsync(query, ct);

        public Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct) => cluster.ExecAsync(request, streams, ct);

        public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => cluster.LogsAsync(@namespace, pod, tailLines, ct);
    }
}

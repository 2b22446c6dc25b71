using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;

namespace LabSite.Agent.Client;

/// <summary>
/// The lab agent's local API (HTTP/1.1 + JSON over a unix socket, root-only). Typed and versioned under
/// <c>/v1</c>: the CLI and the web app depend on these shapes, so fields are only ever added.
/// <code>
/// GET    /v1/version                                  → AgentVersion
/// GET    /v1/clusters                                 → ClusterSummary[]
/// POST   /v1/clusters            CreateClusterBody    → NDJSON CreateFrame* (progress…, then done or error)
/// GET    /v1/clusters/{name}                          → ClusterSummary | 404 ErrorBody
/// DELETE /v1/clusters/{name}                          → 204
/// POST   /v1/clusters/{name}/manifests?mode=apply|create|delete  ManifestBody → ApplyResult
/// GET    /v1/clusters/{name}/objects/{kind}?namespace=&amp;selector=&amp;name= → kubectl's List JSON
/// POST   /v1/clusters/{name}/exec  ExecBody           → NDJSON ExecFrame* (stdout/stderr data…, then exit or error);
///                                                        stdin (base64, at most ExecLimits.MaxStdinBytes) in the body
/// GET    /v1/clusters/{name}/exec/session (WebSocket)  interactive exec: the client's first text message is an
///                                                        ExecBody (tty, columns, rows), then ExecInput messages (typed
///                                                        bytes, resizes, end of input); the agent sends ExecFrame
///                                                        messages, the last one exit or error, then closes. A client
///                                                        that goes away ends the program.
/// POST   /v1/clusters/{name}/kubectl  KubectlBody     → NDJSON ExecFrame*: the real kubectl, run inside the lab's network
///                                                        against its in-cluster API (501: the backend offers none)
/// GET    /v1/clusters/{name}/logs/{namespace}/{pod}?tail=N → text
/// GET    /v1/clusters/{name}/flows?last=N             → NDJSON, hubble observe -o jsonpb lines (501: backend records none)
/// POST   /v1/clusters/{name}/flows  GetFlowsRequest   → NDJSON GetFlowsResponse lines (flow or lost_events); with
///                                                        "follow": true streamed until the client disconnects
/// GET    /v1/clusters/{name}/endpoints                → EndpointModel[]
/// GET    /v1/clusters/{name}/endpoints/{id}/policy    → PolicyMapDump | 404 ErrorBody (no such endpoint)
/// GET    /v1/clusters/{name}/identities               → IdentityModel[]
/// GET    /v1/clusters/{name}/conntrack                → ConntrackEntry[]
/// GET    /v1/clusters/{name}/ipcache                  → IpcacheEntry[]
/// GET    /v1/clusters/{name}/services                 → ServiceModel[]
/// GET    /v1/clusters/{name}/policy                   → PolicyRepositoryModel (501: backend keeps none)
/// GET    /v1/clusters/{name}/status                   → AgentStatusModel (501: backend reports none)
/// POST   /v1/clusters/{name}/runtime-events  RuntimeEventsBody → NDJSON, tetra getevents -o json lines (Tetragon's
///                                                        GetEventsResponse); with "follow": true the history (last N)
///                                                        then live events until the client disconnects (501: the
///                                                        backend runs no runtime sensor)
/// GET    /v1/clusters/{name}/bpf-objects              → LabBpfObjects: pin folder, program and map ids on the agent's
///                                                        host, i.e. this one (501: backend has no eBPF objects)
/// GET    /v1/clusters/{name}/hubble                   → HubbleEndpoint: the lab's Hubble Observer gRPC socket (and TCP
///                                                        address when the agent serves one) | 404 ErrorBody
/// GET    /v1/clusters/{name}/kubernetes               → KubernetesAccess: the lab's Kubernetes API URL and bearer
///                                                        token (503: the agent serves no Kubernetes API)
/// POST   /v1/gc                                       → GarbageReport
/// </code>
/// Errors are <see cref="ErrorBody"/> with 400 (bad request), 404 (no such cluster), 409 (exists), 500, 501 (the
/// cluster's backend cannot answer that inspection).
/// </summary>
public static class AgentProtocol
{
    public const string DefaultSocketPath = "/run/labsite/agent.sock";

    public const string NdjsonContentType = "application/x-ndjson";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>The agent's build, the backends it hosts (first = default) and its process id.</summary>
public sealed record AgentVersion(string Version, IReadOnlyList<string> Backends, int Pid);

public sealed record ErrorBody(string Error);

/// <summary>
/// Where a lab's Kubernetes API answers (<c>https://127.0.0.1:PORT/clusters/lab1</c>), the bearer token it takes, and
/// the agent's self-signed certificate (base64 PEM) to trust for it.
/// </summary>
public sealed record KubernetesAccess(string Server, string Token, string CertificateAuthorityData);

public sealed record CreateClusterBody(string Name, string? LabId = null, string? ManifestsDirectory = null, string? Backend = null, IReadOnlyList<string>? OutsideHosts = null, int Nodes = 1, IReadOnlyList<MeshCluster>? Mesh = null);

/// <summary>One line of a create stream: exactly one of the three is set.</summary>
public sealed record CreateFrame(ClusterProgress? Progress = null, ClusterSummary? Done = null, string? Error = null);

public sealed record ManifestBody(string Text, string Source);

/// <summary>An exec: <see cref="Stdin"/> is base64 piped input (POST only); <see cref="Tty"/>, <see cref="Columns"/> and <see cref="Rows"/> only on a session.</summary>
public sealed record ExecBody(
    string Namespace,
    string Pod,
    IReadOnlyList<string> Command,
    double? TimeoutSeconds = null,
    string? Container = null,
    string? Stdin = null,
    bool Tty = false,
    int? Columns = null,
    int? Rows = null);

/// <summary>One client message of an exec session: typed bytes (base64), a new window size, or the end of input.</summary>
public sealed record ExecInput(string? Data = null, int? Columns = null, int? Rows = null, bool Eof = false);

/// <summary>The real kubectl run in a lab: its arguments, the learner's files it reads (relative path → base64), stdin (base64).</summary>
public sealed record KubectlBody(IReadOnlyList<string> Args, IReadOnlyDictionary<string, string>? Files = null, string? Stdin = null);

/// <summary>
/// One line of an exec stream: output bytes (base64, so binary output survives) on <c>stdout</c>/<c>stderr</c>,
/// then one <see cref="Exit"/> or <see cref="Error"/> frame that ends the stream.
/// </summary>
public sealed record ExecFrame(string? Stream = null, string? Data = null, int? Exit = null, string? Error = null);

/// <summary>What <c>kubectl get -o json</c> prints for several objects.</summary>
public static class KubeList
{
    public static JsonObject Of(IEnumerable<KubeObject> items) => new()
    {
        ["apiVersion"] = "v1",
        ["items"] = new JsonArray(items.Select(i => (JsonNode)i.Json.DeepClone()).ToArray()),
        ["kind"] = "List",
        ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
    };

    public static IReadOnlyList<KubeObject> Items(JsonObject list) =>
        (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(o => new KubeObject((JsonObject)o.DeepClone())).ToList();
}

/// <summary>A runtime-events request: Tetragon's filters, how much history (null: all kept), and whether to follow.</summary>
public sealed record RuntimeEventsBody(TetragonFilter Filter, int? Last, bool Follow);

/// <summary>The answer to <c>DELETE /v1/clusters/LAB/bpf/programs/NAME</c>: false when no learner program of that name was loaded.</summary>
public sealed record BpfUnloaded(bool Removed);

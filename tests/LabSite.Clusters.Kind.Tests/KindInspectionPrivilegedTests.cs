using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Kind.Tools;
using LabSite.Testing;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>
/// <see cref="KindCluster"/>'s inspection through its real client paths, pointed at a netns lab behind a real agent
/// (no kind cluster can start here): KubernetesClient finds the agent pod by <c>k8s-app=cilium</c> and node in the
/// lab's Kubernetes API and runs cilium-dbg there over exec (a stand-in <c>sh</c> that prints what the lab shell's
/// <c>cilium-dbg -o json</c> prints for the lab); flows come over the same Hubble gRPC client kind uses for relay,
/// connected to the lab's own Hubble socket. Answers must equal the netns backend's own.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KindInspectionPrivilegedTests : IAsyncLifetime
{
    private NetnsAgentLab _lab = null!;
    private string _kubeconfig = "";
    private string _node = "";

    public async Task InitializeAsync()
    {
        var manifests = Directory.CreateTempSubdirectory("labsite-kind-insp-").FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        _lab = await NetnsAgentLab.StartAsync("ki" + Guid.NewGuid().ToString("N")[..6], manifests, ciliumAgentPods: false);
        Directory.Delete(manifests, recursive: true);
        _kubeconfig = await _lab.WriteKubeconfigAsync();
        using var kube = Client();
        _node = (await kube.CoreV1.ListNodeAsync()).Items[0].Metadata.Name;
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private k8s.Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig));

    private KindCluster Cluster(IReadOnlyList<string> ciliumDbg) =>
        new(new KindState.Record(_lab.Cluster.Name, "star-wars", DateTimeOffset.UtcNow), _kubeconfig, new KindOptions { Kubectl = RealKubectl.Path }, new ToolRunner())
        {
            CiliumDbgCommand = ciliumDbg,
            HubbleConnection = ConnectUnix,
        };

    private async ValueTask<Stream> ConnectUnix(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_lab.HubbleSocket), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A Cilium agent pod as the DaemonSet makes it: kube-system, k8s-app=cilium, container cilium-agent, bound to the node.</summary>
    private async Task StartAgentPodAsync()
    {
        using var kube = Client();
        await kube.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "cilium-x7k2p", Labels = new Dictionary<string, string> { ["k8s-app"] = "cilium" } },
            Spec = new V1PodSpec { NodeName = _node, Containers = [new V1Container { Name = "cilium-agent", Image = "docker.io/library/busybox" }] },
        }, "kube-system");
        for (var i = 0; i < 600; i++)
        {
            var pod = await kube.CoreV1.ReadNamespacedPodAsync("cilium-x7k2p", "kube-system");
            if (pod.Status?.Phase == "Running")
            {
                await _lab.Local.WaitUntilSettledAsync(default);
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the stand-in agent pod never ran");
    }

    /// <summary>
    /// A stand-in cilium-dbg that knows one command: <c>sh -c SCRIPT ANSWER</c>, then the real arguments; the answer
    /// (compact JSON) is printed for that command line, anything else fails as cilium-dbg does. One answer per cluster:
    /// exec arguments travel in the URL, which the lab's API bounds at 8 KiB as Kestrel does.
    /// </summary>
    private KindCluster StandIn(string command, string output) => Cluster(
        ["sh", "-c", $"if [ \"$*\" = \"{command}\" ]; then printf '%s\\n' \"$0\"; else echo \"Error: cannot get $*: not found\" >&2; exit 1; fi", Compact(output)]);

    private static string Compact(string text) => text.TrimStart().StartsWith('[') || text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)!.ToJsonString() : text;

    [Fact]
    public async Task Cilium_inspection_runs_cilium_dbg_in_the_agent_pod_of_the_node_and_reads_its_json()
    {
        var none = Cluster(["cilium-dbg"]);
        var missing = await Assert.ThrowsAsync<ClusterException>(() => none.GetEndpointsAsync(default));
        Assert.Contains("k8s-app=cilium", missing.Message, StringComparison.Ordinal);

        await StartAgentPodAsync();
        var local = _lab.Local;
        var deathstar = (await local.GetEndpointsAsync(default)).First(e => e.PodName.StartsWith("deathstar", StringComparison.Ordinal));
        var policy = (await local.GetPolicyMapAsync(deathstar.Id, default))!;
        var endpoints = (await local.GetEndpointsAsync(default)).Where(e => e.Namespace == "default").ToList();
        var identities = (await local.GetIdentitiesAsync(default)).Where(i => i.Id < 256).ToList();
        var ipcache = (await local.GetIpcacheAsync(default)).OrderBy(e => e.Prefix, StringComparer.Ordinal).Take(8).ToList();
        var services = await local.GetServicesAsync(default);

        Assert.Equal(EndpointModel.ToText(endpoints), EndpointModel.ToText(await StandIn("endpoint list -o json", CiliumDbgJson.WriteEndpoints(endpoints)).GetEndpointsAsync(default)));
        Assert.Equal(IdentityModel.ToText(identities), IdentityModel.ToText(await StandIn("identity list -o json", CiliumDbgJson.WriteIdentities(identities)).GetIdentitiesAsync(default)));
        Assert.Equal(IpcacheEntry.ToText(ipcache), IpcacheEntry.ToText(await StandIn("bpf ipcache list -o json", CiliumDbgJson.WriteIpcache(ipcache)).GetIpcacheAsync(default)));
        Assert.Equal(ServiceModel.ToText(services), ServiceModel.ToText(await StandIn("service list -o json", CiliumDbgJson.WriteServices(services)).GetServicesAsync(default)));
        var cluster = StandIn($"bpf policy get {deathstar.Id} -o json", policy.ToJson());
        Assert.Equal(policy.ToText(), (await cluster.GetPolicyMapAsync(deathstar.Id, default))!.ToText());
        // an endpoint no agent has: cilium-dbg fails on every node, so there is no map
        Assert.Null(await cluster.GetPolicyMapAsync(9999, default));
        // a command the agent fails names the pod, the command and the agent's own words
        var failed = await Assert.ThrowsAsync<ClusterException>(() => cluster.GetConntrackAsync(default));
        Assert.Equal("cilium-dbg bpf ct list global in kube-system/cilium-x7k2p: Error: cannot get bpf ct list global: not found", failed.Message);
    }

    [Fact]
    public async Task Output_that_is_not_ciliums_json_is_an_error_naming_the_pod_and_the_field()
    {
        await StartAgentPodAsync();
        var cluster = StandIn("endpoint list -o json", """[{"id":"x","status":{}}]""");

        var e = await Assert.ThrowsAsync<ClusterException>(() => cluster.GetEndpointsAsync(default));

        Assert.Equal("cilium-dbg endpoint list -o json in kube-system/cilium-x7k2p: unexpected output: endpoint list [0]: id: \"x\" is not an integer", e.Message);
    }

    [Fact]
    public async Task Flows_come_over_the_hubble_grpc_client_equal_to_the_labs_own()
    {
        var tiefighter = new ExecRequest("default", "tiefighter", ["curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing"], TimeSpan.FromSeconds(30));
        using var output = new MemoryStream();
        Assert.Equal(0, await _lab.Cluster.ExecAsync(tiefighter, new ExecStreams(output, Stream.Null), default));
        var cluster = Cluster(["cilium-dbg"]);
        var toDeathstar = new FlowFilter();
        toDeathstar.DestinationPod.Add("default/deathstar");
        // the datapath's events reach the flow ring shortly after the request: wait for them, then fix the window at the
        // newest one seen, so both sides are asked for the same, finished history
        IReadOnlyList<FlowRecord> seen = [];
        for (var i = 0; i < 100 && (seen = await _lab.Local.GetFlowsAsync(new FlowQuery(new FlowFilterSet([toDeathstar], [])), default)).Count == 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.NotEmpty(seen);
        var until = seen.Max(r => r.Time);
        var query = new FlowQuery(new FlowFilterSet([toDeathstar], []), Last: null, All: true, Until: until);

        var local = await _lab.Local.GetFlowsAsync(query, default);
        var remote = await cluster.GetFlowsAsync(query, default);

        Assert.NotEmpty(local);
        Assert.Equal(local.Select(Line), remote.Select(Line));
        Assert.Contains(remote, r => r.Flow.Verdict == Verdict.FORWARDED);

        // follow: history first, then stops when cancelled
        using var cts = new CancellationTokenSource();
        var followed = new List<FlowEvent>();
        await foreach (var e in cluster.FollowFlowsAsync(new FlowQuery(new FlowFilterSet([toDeathstar], []), Last: 2), cts.Token))
        {
            followed.Add(e);
            if (followed.Count == 2)
            {
                await cts.CancelAsync();
            }
        }
        Assert.Equal(2, followed.Count(e => e.Record is not null));
    }

    [Fact]
    public async Task A_filter_hubble_refuses_comes_back_as_a_cluster_error()
    {
        var bad = new FlowFilter();
        bad.SourceIp.Add("10.1.2");
        var e = await Assert.ThrowsAsync<ClusterException>(() => Cluster(["cilium-dbg"]).GetFlowsAsync(new FlowQuery(new FlowFilterSet([bad], [])), default));

        Assert.Contains("source_ip", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lab_shells_kubectl_runs_the_real_kubectl_against_the_clusters_api_with_the_learners_files()
    {
        var cluster = Cluster(["cilium-dbg"]);
        var rule = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: rule1\nspec:\n  endpointSelector:\n    matchLabels:\n      org: empire\n  ingress:\n  - fromEndpoints:\n    - matchLabels:\n        org: empire\n";

        var (code, output, error) = await KubectlAsync(cluster, new KubectlInvocation(["apply", "-f", "policies/rule1.yaml"],
            new Dictionary<string, byte[]> { ["policies/rule1.yaml"] = System.Text.Encoding.UTF8.GetBytes(rule) }));
        var get = await KubectlAsync(cluster, new KubectlInvocation(["get", "pods", "-o", "name"], new Dictionary<string, byte[]>()));

        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n", ""), (code, output, error));
        Assert.Contains("pod/tiefighter\n", get.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get", "pods", "--kubeconfig=/root/.kube/config")]
    [InlineData("get", "pods", "-s", "https://10.0.0.1")]
    [InlineData("apply", "-f", "/etc/passwd", "")]
    [InlineData("apply", "-f", "../../etc/passwd", "")]
    [InlineData("cp", "default/tiefighter:/etc/hosts", "hosts", "")]
    [InlineData("proxy", "--port=8001", "", "")]
    public async Task What_would_leave_the_lab_is_refused_before_kubectl_runs(string a, string b, string c, string d = "")
    {
        string[] args = [.. new[] { a, b, c, d }.Where(x => x.Length > 0)];

        var (code, output, error) = await KubectlAsync(Cluster(["cilium-dbg"]), new KubectlInvocation(args, new Dictionary<string, byte[]>()));

        Assert.Equal((1, ""), (code, output));
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> KubectlAsync(KindCluster cluster, KubectlInvocation invocation)
    {
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = await cluster.RunKubectlAsync(invocation, new ExecStreams(output, error), default);
        return (code, System.Text.Encoding.UTF8.GetString(output.ToArray()), System.Text.Encoding.UTF8.GetString(error.ToArray()));
    }

    /// <summary>A flow's jsonpb line without uuid and trace_reason: the vendored flow.proto (Protos/cilium) has neither, so no gRPC hop carries them.</summary>
    private static string Line(FlowRecord r)
    {
        var o = JsonNode.Parse(FlowJson.Write(r))!.AsObject();
        o["flow"]!.AsObject().Remove("uuid");
        o["flow"]!.AsObject().Remove("trace_reason");
        return o.ToJsonString();
    }
}

using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Ingress;

/// <summary>
/// Cilium Ingress and Gateway API through a real netns lab: tiefighter curls the LB-IPAM addresses of the Ingress's and
/// the Gateway's Services; the node's routed L7 listener picks the backend by path, header and weight and connects
/// to a pod with the reserved ingress identity, which the backend's policy (fromEntities: ingress) and the flows see.
/// Backends answer with their own pod name (agnhost serve-hostname), so every answer says where the request went.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class IngressPrivilegedTests : IAsyncLifetime
{
    internal const string Backends = """
        apiVersion: cilium.io/v2
        kind: CiliumLoadBalancerIPPool
        metadata: {name: lab-pool}
        spec:
          blocks: [{cidr: 172.31.0.0/24}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: echo-v1}
        spec:
          replicas: 1
          selector: {matchLabels: {app: echo, version: v1}}
          template:
            metadata: {labels: {app: echo, version: v1}}
            spec:
              containers: [{name: echo, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [serve-hostname], ports: [{containerPort: 9376}]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: echo-v2}
        spec:
          replicas: 1
          selector: {matchLabels: {app: echo, version: v2}}
          template:
            metadata: {labels: {app: echo, version: v2}}
            spec:
              containers: [{name: echo, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [serve-hostname], ports: [{containerPort: 9376}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: echo-v1}
        spec: {selector: {app: echo, version: v1}, ports: [{port: 80, targetPort: 9376}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: echo-v2}
        spec: {selector: {app: echo, version: v2}, ports: [{port: 80, targetPort: 9376}]}
        """;

    internal const string PathIngress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: echo}
        spec:
          ingressClassName: cilium
          rules:
          - http:
              paths:
              - {path: /v1, pathType: Prefix, backend: {service: {name: echo-v1, port: {number: 80}}}}
              - {path: /v2, pathType: Prefix, backend: {service: {name: echo-v2, port: {number: 80}}}}
        """;

    internal const string CanaryGateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: cilium}
        spec: {controllerName: io.cilium/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: echo}
        spec:
          gatewayClassName: cilium
          listeners: [{name: http, protocol: HTTP, port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: canary}
        spec:
          parentRefs: [{name: echo}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /}, headers: [{name: x-canary, value: always}]}]
            backendRefs: [{name: echo-v2, port: 80}]
          - backendRefs:
            - {name: echo-v1, port: 80, weight: 90}
            - {name: echo-v2, port: 80, weight: 10}
        """;

    private const string IngressOnly = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: echo-from-ingress}
        spec:
          endpointSelector: {matchLabels: {app: echo}}
          ingress:
          - fromEntities: [ingress]
        """;

    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("ingress"), null, CancellationToken.None);
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await ApplyAsync(Backends);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private async Task ApplyAsync(string yaml)
    {
        var applied = await _cluster.ApplyAsync(new ManifestText(yaml, "ingress.yaml"), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("\n", applied.Errors));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        await _cluster.IngressRouting!.ReconcileAsync(CancellationToken.None);
        Assert.Null(_cluster.IngressRouting.LastError);
    }

    /// <summary>Each URL's answer (the backend's pod name, or the status for local answers) from tiefighter, one curl, one kept-alive connection.</summary>
    private async Task<List<string>> CurlAsync(string[] urls, params string[] headers)
    {
        var args = new List<string> { "curl", "-s", "--connect-timeout", "2", "--max-time", "30", "-w", " %{http_code}\n" };
        foreach (var h in headers)
        {
            args.AddRange(["-H", h]);
        }
        args.AddRange(urls);
        var r = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", [.. args]);
        return [.. r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static string Backend(string line) =>
        line.StartsWith("echo-v1-", StringComparison.Ordinal) ? "v1" : line.StartsWith("echo-v2-", StringComparison.Ordinal) ? "v2" : line;

    [Fact]
    public async Task Ingress_routes_by_path_and_the_gateway_by_header_and_weight_with_the_ingress_identity_at_the_backend()
    {
        await ApplyAsync(PathIngress);
        var ingress = (string?)_cluster.Store.Get(new ObjectQuery("ingresses", "default", Name: "echo")).Single().Json["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"];
        Assert.NotNull(ingress);
        var answers = await CurlAsync([$"http://{ingress}/v1/a", $"http://{ingress}/v2/b", $"http://{ingress}/v1", $"http://{ingress}/v3"]);
        Assert.Equal(["v1", "v2", "v1", " 404"], answers.Select(a => a.EndsWith(" 200", StringComparison.Ordinal) ? Backend(a) : a));

        await ApplyAsync(CanaryGateway);
        var gateway = (string?)_cluster.Store.Get(new ObjectQuery("gateways", "default", Name: "echo")).Single().Json["status"]?["addresses"]?[0]?["value"];
        Assert.NotNull(gateway);
        Assert.NotEqual(ingress, gateway);
        Assert.All(await CurlAsync([.. Enumerable.Repeat($"http://{gateway}/", 10)], "x-canary: always"), a => Assert.Equal("v2", Backend(a[..^4])));

        // 90/10 over 300 requests: Binomial(300, 0.9) has mean 270 and deviation 5.2; 240..299 is ±6 deviations
        // around the mean and excludes both "no split" (300) and an even split (150).
        const int n = 300;
        // curl's URL globbing sends /canary1 ... /canary300 on one kept-alive connection.
        var split = (await CurlAsync([$"http://{gateway}/canary[1-{n}]"])).Select(a => Backend(a[..^4])).ToList();
        Assert.Equal(n, split.Count);
        Assert.All(split, b => Assert.True(b is "v1" or "v2", b));
        Assert.InRange(split.Count(b => b == "v1"), 240, n - 1);

        // The backend saw the reserved ingress identity: the trace at its veth says so, and the ingress hop has L7 flows.
        var traced = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("from-identity", "8").Add("to-label", "app=echo").Build(), All: true), CancellationToken.None);
        Assert.NotEmpty(traced);
        Assert.Contains(traced, r => r.Flow.Type == FlowType.L3_L4 && r.Flow.Source!.Identity == NumericIdentity.Ingress.Value);
        var l7 = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("type", "l7").Add("from-pod", "tiefighter").Build(), All: true), CancellationToken.None);
        // Each request's flow names the backend the router chose (either version: which one /canaryN went to is random).
        Assert.All(Enumerable.Range(1, 5), i => Assert.Contains(l7, r => r.Flow.L7!.Type == L7FlowType.REQUEST
            && r.Flow.L7.Http!.Url == $"http://{gateway}/canary{i}" && r.Flow.Destination!.PodName.StartsWith("echo-v", StringComparison.Ordinal)));
        Assert.Contains(l7, r => r.Flow.L7!.Type == L7FlowType.REQUEST && r.Flow.Destination!.PodName.StartsWith("echo-v1-", StringComparison.Ordinal)
            && r.Flow.L7.Http!.Url.StartsWith($"http://{gateway}/canary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backends_locked_to_the_ingress_entity_answer_through_the_gateway_and_drop_direct_traffic()
    {
        await ApplyAsync(CanaryGateway);
        await ApplyAsync(IngressOnly);
        var gateway = (string?)_cluster.Store.Get(new ObjectQuery("gateways", "default", Name: "echo")).Single().Json["status"]?["addresses"]?[0]?["value"];
        Assert.All(await CurlAsync([.. Enumerable.Repeat($"http://{gateway}/", 5)]), a => Assert.EndsWith(" 200", a, StringComparison.Ordinal));

        var echo = _cluster.Pods.First(p => p.Spec.Name.StartsWith("echo-v1-", StringComparison.Ordinal)).Ip;
        var direct = await CurlAsync([$"http://{echo}:9376/"]);
        Assert.Equal([" 000"], direct); // dropped: curl gives up without a response

        var drops = await _cluster.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("verdict", "DROPPED").Add("from-pod", "tiefighter").Build(), All: true), CancellationToken.None);
        Assert.Contains(drops, r => r.Flow.IP!.Destination == echo.ToString());
    }
}

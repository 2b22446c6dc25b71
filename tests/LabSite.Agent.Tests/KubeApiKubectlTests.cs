using System.Runtime.Versioning;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// The real kubectl 1.34 against a lab's Kubernetes API, served by a real agent (Kestrel on loopback) over the
/// in-memory lab cluster with the Star Wars app: discovery, server-side Tables, reads, writes and their errors.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class KubeApiKubectlTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private static string StarWarsApp()
    {
        var dir = Directory.CreateTempSubdirectory("labsite-kubeapi-").FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(dir, "http-sw-app.yaml"));
        return dir;
    }

    private static Task<KubectlRun> Kubectl(string kubeconfig, params string[] args) => RealKubectl.RunAsync(["--kubeconfig", kubeconfig, .. args]);

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Api_resources_lists_every_kind_with_kubectls_short_names()
    {
        var config = await agent.KubeconfigAsync("kapi-discovery");

        var run = await Kubectl(config, "api-resources");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Words).ToList();
        Assert.Contains(["pods", "po", "v1", "true", "Pod"], rows);
        Assert.Contains(["deployments", "deploy", "apps/v1", "true", "Deployment"], rows);
        Assert.Contains(["ciliumnetworkpolicies", "cnp,ciliumnp", "cilium.io/v2", "true", "CiliumNetworkPolicy"], rows);
        Assert.Contains(["ciliumclusterwidenetworkpolicies", "ccnp", "cilium.io/v2", "false", "CiliumClusterwideNetworkPolicy"], rows);
        Assert.Contains(["ciliumendpoints", "cep,ciliumep", "cilium.io/v2", "true", "CiliumEndpoint"], rows);
        Assert.Contains(["ciliumidentities", "ciliumid", "cilium.io/v2", "false", "CiliumIdentity"], rows);
        Assert.Contains(["ciliumnodes", "cn,ciliumn", "cilium.io/v2", "false", "CiliumNode"], rows);
        Assert.Contains(["endpointslices", "discovery.k8s.io/v1", "true", "EndpointSlice"], rows);
        Assert.Contains(["serviceaccounts", "sa", "v1", "true", "ServiceAccount"], rows);
        Assert.Contains(["events", "ev", "v1", "true", "Event"], rows);
        Assert.Contains(["networkpolicies", "netpol", "networking.k8s.io/v1", "true", "NetworkPolicy"], rows);
    }

    [Fact]
    public async Task Version_reports_a_server_kubectl_accepts()
    {
        var config = await agent.KubeconfigAsync("kapi-version");

        var run = await Kubectl(config, "version", "-o", "json");

        Assert.True(run.ExitCode == 0, run.Stderr + File.ReadAllText(config));
        Assert.Contains("\"serverVersion\"", run.Stdout);
        Assert.Contains("\"minor\": \"34\"", run.Stdout);
    }

    [Fact]
    public async Task Get_pods_prints_kubectls_columns_from_server_side_tables()
    {
        var config = await agent.KubeconfigAsync("kapi-get", StarWarsApp());

        var plain = await Kubectl(config, "get", "pods", "-l", "class=xwing");
        var wide = await Kubectl(config, "get", "pods", "-o", "wide", "-l", "class=xwing");
        var all = await Kubectl(config, "get", "svc", "-A", "--show-labels");

        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var lines = plain.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], Words(lines[0]));
        Assert.Equal(["xwing", "1/1", "Running", "0"], Words(lines[1])[..4]);
        Assert.Equal(2, lines.Length);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], Words(wide.Stdout.Split('\n')[0]));
        Assert.StartsWith("10.0.0.", Words(wide.Stdout.Split('\n')[1])[5]);
        var svc = all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "LABELS"], Words(svc[0]));
        Assert.Contains(svc, l => Words(l) is ["default", "deathstar", "ClusterIP", _, "<none>", "80/TCP", _, "app.kubernetes.io/name=deathstar"]);
    }

    [Fact]
    public async Task Field_selectors_and_yaml_output_read_objects()
    {
        var config = await agent.KubeconfigAsync("kapi-fields", StarWarsApp());

        var byName = await Kubectl(config, "get", "pods", "--field-selector", "metadata.name=tiefighter", "-o", "name");
        var running = await Kubectl(config, "get", "pods", "-A", "--field-selector", "status.phase!=Running", "-o", "name");
        var yaml = await Kubectl(config, "get", "deploy", "deathstar", "-o", "yaml");
        var bad = await Kubectl(config, "get", "pods", "--field-selector", "spec.color=red");

        Assert.Equal("pod/tiefighter\n", byName.Stdout);
        Assert.Equal("", running.Stdout);
        Assert.Contains("kind: Deployment", yaml.Stdout);
        Assert.Contains("replicas: 2", yaml.Stdout);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("Error from server (BadRequest)", bad.Stderr);
        Assert.Contains("spec.color", bad.Stderr);
    }

    private static string Manifest(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("labsite-kubeapi-").FullName, "app.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: probe
          labels:
            app: probe
        spec:
          containers:
          - name: main
            image: busybox
        """;

    [Fact]
    public async Task Apply_twice_is_unchanged_then_configured_after_an_edit()
    {
        var config = await agent.KubeconfigAsync("kapi-apply");
        var file = Manifest(Pod);

        var first = await Kubectl(config, "apply", "-f", file);
        var second = await Kubectl(config, "apply", "-f", file);
        File.WriteAllText(file, Pod.Replace("app: probe", "app: probe\n    tier: web"));
        var third = await Kubectl(config, "apply", "-f", file);
        var labels = await Kubectl(config, "get", "pod", "probe", "-o", "jsonpath={.metadata.labels}");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal("pod/probe created\n", first.Stdout);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal("pod/probe unchanged\n", second.Stdout);
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Equal("pod/probe configured\n", third.Stdout);
        Assert.Equal("{\"app\":\"probe\",\"tier\":\"web\"}", labels.Stdout);
    }

    private const string GatewayApi = """
        apiVersion: cilium.io/v2
        kind: CiliumLoadBalancerIPPool
        metadata: {name: pool}
        spec: {blocks: [{cidr: 172.31.0.0/24}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop}
        spec:
          ingressClassName: cilium
          rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: cilium}
        spec: {controllerName: io.cilium/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: cilium
          listeners: [{name: http, protocol: HTTP, port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: canary}
        spec:
          parentRefs: [{name: gw}]
          hostnames: [shop.example.com]
          rules: [{backendRefs: [{name: web, port: 80, weight: 90}, {name: missing, port: 80, weight: 10}]}]
        """;

    [Fact]
    public async Task Ingress_and_gateway_api_objects_apply_and_print_their_columns_and_status()
    {
        var config = await agent.KubeconfigAsync("kapi-gateway");
        var file = Manifest(GatewayApi);

        var apply = await Kubectl(config, "apply", "-f", file);
        var ingress = await Kubectl(config, "get", "ing");
        var gateway = await Kubectl(config, "get", "gtw");
        var route = await Kubectl(config, "get", "httproute");
        var resolved = await Kubectl(config, "get", "httproute", "canary", "-o", "jsonpath={.status.parents[0].conditions[?(@.type==\"ResolvedRefs\")].reason}");
        var bad = await Kubectl(config, "patch", "httproute", "canary", "--type", "merge", "-p", "{\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"web\",\"port\":80,\"weight\":-1}]}]}}");

        Assert.True(apply.ExitCode == 0, apply.Stderr);
        Assert.Contains("httproute.gateway.networking.k8s.io/canary created", apply.Stdout);
        Assert.Equal(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], Words(ingress.Stdout.Split('\n')[0]));
        Assert.Equal(["shop", "cilium", "shop.example.com", "172.31.0.1", "80"], Words(ingress.Stdout.Split('\n')[1])[..5]);
        Assert.Equal(["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"], Words(gateway.Stdout.Split('\n')[0]));
        Assert.Equal(["gw", "cilium", "172.31.0.2", "True"], Words(gateway.Stdout.Split('\n')[1])[..4]);
        Assert.Equal(["canary", "[\"shop.example.com\"]"], Words(route.Stdout.Split('\n')[1])[..2]);
        Assert.Equal("BackendNotFound", resolved.Stdout);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("spec.rules[0].backendRefs[0].weight: Invalid value: -1", bad.Stderr);
    }

    [Fact]
    public async Task Label_annotate_scale_and_delete_change_the_lab()
    {
        var config = await agent.KubeconfigAsync("kapi-verbs", StarWarsApp());

        var label = await Kubectl(config, "label", "pod", "xwing", "team=red");
        var annotate = await Kubectl(config, "annotate", "pod", "xwing", "note=hi");
        var scale = await Kubectl(config, "scale", "deploy", "deathstar", "--replicas=3");
        var replicas = await Kubectl(config, "get", "deploy", "deathstar", "-o", "jsonpath={.spec.replicas}");
        var shown = await Kubectl(config, "get", "pod", "xwing", "-o", "jsonpath={.metadata.labels.team} {.metadata.annotations.note}");
        var delete = await Kubectl(config, "delete", "pod", "tiefighter", "--wait");
        var gone = await Kubectl(config, "get", "pod", "tiefighter");

        Assert.Equal("pod/xwing labeled\n", label.Stdout);
        Assert.Equal("pod/xwing annotated\n", annotate.Stdout);
        Assert.True(scale.ExitCode == 0, scale.Stderr);
        Assert.Equal("deployment.apps/deathstar scaled\n", scale.Stdout);
        Assert.Equal("3", replicas.Stdout);
        Assert.Equal("red hi", shown.Stdout);
        Assert.True(delete.ExitCode == 0, delete.Stderr);
        Assert.Equal("pod \"tiefighter\" deleted from default namespace\n", delete.Stdout);
        Assert.Contains("Error from server (NotFound): pods \"tiefighter\" not found", gone.Stderr);
    }

    [Fact]
    public async Task Errors_are_kubectls_status_errors_and_change_nothing()
    {
        var config = await agent.KubeconfigAsync("kapi-errors", StarWarsApp());
        var other = await agent.KubeconfigAsync("kapi-errors-other");
        var file = Manifest(Pod);
        await Kubectl(config, "create", "-f", file);

        var exists = await Kubectl(config, "create", "-f", file);
        var missing = await Kubectl(config, "get", "pod", "nope");
        var unknown = await Kubectl(config, "get", "widgets");
        var badPatch = await Kubectl(config, "patch", "deploy", "deathstar", "-p", "{\"spec\":{\"replicas\":\"three\"}}");
        var replicas = await Kubectl(config, "get", "deploy", "deathstar", "-o", "jsonpath={.spec.replicas}");
        var wrongToken = await Kubectl(config, "get", "pods", "--token", "not-the-token");
        var otherLab = await Kubectl(other, "get", "pods", "--server", File.ReadAllLines(config).First(l => l.Contains("server:")).Split('"')[1]);

        Assert.Contains("Error from server (AlreadyExists): error when creating", exists.Stderr);
        Assert.Contains("pods \"probe\" already exists", exists.Stderr);
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", missing.Stderr);
        Assert.Contains("error: the server doesn't have a resource type \"widgets\"", unknown.Stderr);
        Assert.NotEqual(0, badPatch.ExitCode);
        Assert.Contains("Error from server", badPatch.Stderr);
        Assert.Equal("2", replicas.Stdout);
        Assert.Contains("Unauthorized", wrongToken.Stderr);
        Assert.Contains("the server could not find the requested resource", otherLab.Stderr);
    }

    [Fact]
    public async Task A_lab_recreated_under_its_name_refuses_the_old_token_even_after_it_was_used()
    {
        var config = await agent.KubeconfigAsync("kapi-again");
        var before = await Kubectl(config, "get", "ns", "default", "-o", "name");
        var again = await Kubectl(config, "get", "ns", "default", "-o", "name");
        var old = File.ReadAllLines(config).First(l => l.Contains("token:")).Split('"')[1];
        using (var client = new LabSite.Agent.Client.AgentClient(agent.SocketPath))
        {
            await client.DestroyAsync("kapi-again", default);
        }
        var gone = await Kubectl(config, "get", "ns", "default", "-o", "name");
        var fresh = await agent.KubeconfigAsync("kapi-again", null); // the same path: the kubeconfig now holds the new token
        var oldToken = await Kubectl(fresh, "get", "ns", "default", "--token", old);
        var newToken = await Kubectl(fresh, "get", "ns", "default", "-o", "name");

        Assert.Equal("namespace/default\n", before.Stdout);
        Assert.Equal("namespace/default\n", again.Stdout);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("Unauthorized", gone.Stderr);
        Assert.NotEqual(0, oldToken.ExitCode);
        Assert.Contains("Unauthorized", oldToken.Stderr);
        Assert.Equal("namespace/default\n", newToken.Stdout);
    }

    [Fact]
    public async Task Wait_for_ready_sees_a_running_pod()
    {
        var config = await agent.KubeconfigAsync("kapi-wait", StarWarsApp());

        var run = await Kubectl(config, "wait", "--for=condition=Ready", "pod/xwing", "--timeout=20s");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("pod/xwing condition met\n", run.Stdout);
    }

    [Fact]
    public async Task Explain_reads_our_openapi_documents()
    {
        var config = await agent.KubeconfigAsync("kapi-explain");

        var ingress = await Kubectl(config, "explain", "cnp.spec.ingress");
        var pod = await Kubectl(config, "explain", "pod.spec.containers.image");
        var missing = await Kubectl(config, "get", "--raw", "/openapi/v3/apis/widgets.example/v1");
        var typo = await Kubectl(config, "explain", "cnp.spec.ingres");

        Assert.True(ingress.ExitCode == 0, ingress.Stderr);
        Assert.Contains("GROUP:      cilium.io", ingress.Stdout);
        Assert.Contains("KIND:       CiliumNetworkPolicy", ingress.Stdout);
        Assert.Contains("FIELD: ingress <[]Object>", ingress.Stdout);
        Assert.Contains("fromEndpoints\t<[]Object>", ingress.Stdout);
        Assert.Contains("toPorts", ingress.Stdout);
        Assert.True(pod.ExitCode == 0, pod.Stderr);
        Assert.Contains("FIELD: image <string>", pod.Stdout);
        Assert.Contains("Error from server (NotFound)", missing.Stderr);
        Assert.NotEqual(0, typo.ExitCode);
        Assert.Contains("field \"ingres\" does not exist", typo.Stderr);
    }

    private const string PolicyWithTypo = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: typo
        spec:
          endpointSelector:
            matchLabels:
              org: empire
          ingress:
          - fromEndpont:
            - matchLabels:
                org: empire
        """;

    [Fact]
    public async Task Strict_validation_refuses_unknown_fields_and_stores_nothing()
    {
        var config = await agent.KubeconfigAsync("kapi-strict");
        var file = Manifest(PolicyWithTypo);

        var strict = await Kubectl(config, "apply", "-f", file);
        var explicitStrict = await Kubectl(config, "create", "--validate=strict", "-f", file);
        var none = await Kubectl(config, "get", "cnp", "-o", "name");
        var warnFile = Manifest(Pod.Replace("image: busybox", "image: busybox\n    colour: red"));
        var unvalidated = await Kubectl(config, "create", "--validate=false", "-f", warnFile);

        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("Error from server (BadRequest): error when creating", strict.Stderr);
        Assert.Contains("strict decoding error: unknown field \"spec.ingress[0].fromEndpont\"", strict.Stderr);
        Assert.Contains("unknown field \"spec.ingress[0].fromEndpont\"", explicitStrict.Stderr);
        Assert.Equal("", none.Stdout);
        // The lab decodes strictly whatever kubectl asks (it has nowhere to keep an unknown field), naming the manifest's line.
        Assert.NotEqual(0, unvalidated.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.containers[0].colour\"", unvalidated.Stderr);
        Assert.Equal("", (await Kubectl(config, "get", "pods", "-o", "name")).Stdout);
    }

    [Fact]
    public async Task Logs_read_a_pods_log_with_tail_and_missing_pods_are_not_found()
    {
        var config = await agent.KubeconfigAsync("kapi-logs", StarWarsApp());

        var all = await Kubectl(config, "logs", "deploy/deathstar");
        var last = await Kubectl(config, "logs", "deploy/deathstar", "--tail=1");
        var missing = await Kubectl(config, "logs", "nope");

        Assert.True(all.ExitCode == 0, all.Stderr);
        Assert.True(last.ExitCode == 0, last.Stderr);
        // The in-memory lab's log line says which pod and which tail it was asked for.
        Assert.Matches("^.*default/deathstar-[0-9a-f]+-[0-9a-z]+ tail=all\n$", all.Stdout);
        Assert.Matches("^.*default/deathstar-[0-9a-f]+-[0-9a-z]+ tail=1\n$", last.Stdout);
        Assert.Contains("error: error from server (NotFound): pods \"nope\" not found", missing.Stderr);
    }
}

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
}

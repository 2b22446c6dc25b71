using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Kind.Docker;
using LabSite.Clusters.Kind.Tools;
using LabSite.Shell;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>
/// The lab shell on a kind cluster the way the site and <c>labsite cluster shell</c> reach it: an agent hosting the kind
/// backend, the shell on the agent's client cluster. The kind cluster's record points at a netns lab's Kubernetes API
/// (no kind cluster can start here), so kubectl, inspection and flows take kind's own paths through the agent: the real
/// kubectl against that API, cilium-dbg looked for in its kube-system, hubble-relay looked for to port-forward to.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KindThroughAgentPrivilegedTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("labsite-kind-agent-").FullName;
    private NetnsAgentLab _lab = null!;
    private WebApplication _agent = null!;
    private AgentClient _client = null!;
    private ShellInterpreter _shell = null!;

    public async Task InitializeAsync()
    {
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        _lab = await NetnsAgentLab.StartAsync("ka" + Guid.NewGuid().ToString("N")[..6], manifests, ciliumAgentPods: false);
        var backend = new KindBackend(new KindOptions { StateDirectory = Path.Combine(_dir, "state"), Kubectl = RealKubectl.Path },
            new NodeContainers(new KindOptions().DockerEndpoint), new ToolRunner());
        backend.State.Prepare("kindlab");
        File.Copy(await _lab.WriteKubeconfigAsync(), backend.State.Kubeconfig("kindlab"));
        await backend.State.CommitAsync(new KindState.Record("kindlab", "starwars", DateTimeOffset.UtcNow), default);
        var socket = Path.Combine(_dir, "agent", "agent.sock");
        _agent = AgentHost.Build(new AgentOptions { SocketPath = socket, KubeApiPort = 0 }, s => s.AddSingleton<IClusterBackend>(backend), quiet: true);
        await _agent.StartAsync();
        _client = new AgentClient(socket);
        var cluster = await _client.FindAsync("kindlab", default) ?? throw new InvalidOperationException("the agent does not find the kind cluster");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "rule1.yaml"),
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: rule1\nspec:\n  endpointSelector:\n    matchLabels:\n      org: empire\n  ingress:\n  - fromEndpoints:\n    - matchLabels:\n        org: empire\n");
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(folder), cluster, new ProcessToolRunner()));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _agent.StopAsync();
        await _agent.DisposeAsync();
        await _lab.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Status, string Out, string Err)> RunAsync(string line)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await _shell.RunAsync(line, stdout, stderr, CancellationToken.None);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_lab_shells_kubectl_runs_against_the_kind_clusters_api_through_the_agent()
    {
        Assert.Equal("kind", (await _client.ListAsync(default)).Single().Backend);

        var get = await RunAsync("kubectl get pods -o name");
        var apply = await RunAsync("kubectl apply -f rule1.yaml");
        var refused = await RunAsync("kubectl get pods --kubeconfig=/root/.kube/config");

        Assert.Contains("pod/tiefighter\n", get.Out, StringComparison.Ordinal);
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n"), (apply.Status, apply.Out));
        Assert.Single(await _lab.Local.GetAsync(new ObjectQuery("cnp", Name: "rule1"), default));
        Assert.Equal(1, refused.Status);
        Assert.Contains("--kubeconfig is not available in the lab shell", refused.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cilium_dbg_and_hubble_in_the_shell_ask_the_kind_clusters_own_agents_and_relay()
    {
        var endpoints = await RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");
        var flows = await RunAsync("hubble observe --last 5");

        // this API has no Cilium DaemonSet pods and no hubble-relay: kind's paths say so, naming what they looked for
        Assert.NotEqual(0, endpoints.Status);
        Assert.Contains("k8s-app=cilium", endpoints.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, flows.Status);
        Assert.Contains("k8s-app=hubble-relay", flows.Err, StringComparison.Ordinal);
    }
}

using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Testing;

/// <summary>
/// One netns lab behind a real agent (its own name prefix and roots), as the site and <c>labsite cluster shell</c>
/// reach it: <see cref="Cluster"/> is the agent's client cluster, so the lab shell's kubectl is the real one, run in
/// the lab; <see cref="Local"/> is the backend's own cluster object, for waiting and looking inside. Root only.
/// </summary>
public sealed class NetnsAgentLab : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _prefix;
    private readonly WebApplication _agent;
    private readonly AgentClient _client;

    private NetnsAgentLab(string dir, string prefix, WebApplication agent, AgentClient client, ILabCluster cluster, NetnsCluster local)
    {
        (_dir, _prefix, _agent, _client) = (dir, prefix, agent, client);
        Cluster = cluster;
        Local = local;
    }

    /// <summary>The lab through the agent's socket (an <see cref="Clusters.Contract.Kubernetes.IKubectlRunner"/>).</summary>
    public ILabCluster Cluster { get; }

    /// <summary>The same lab in the agent's netns backend.</summary>
    public NetnsCluster Local { get; }

    /// <summary>The agent's netns backend (a mesh's other clusters are found there).</summary>
    public NetnsBackend Backend => _agent.Services.GetRequiredService<NetnsBackend>();

    /// <summary>
    /// Starts an agent and creates lab <paramref name="name"/> (of <paramref name="nodes"/> nodes, or the Cluster Mesh
    /// <paramref name="mesh"/>), with the manifests of <paramref name="manifestsDirectory"/> applied when given. Without
    /// <paramref name="ciliumAgentPods"/> the lab lists no Cilium agent pods (a stand-in for another cluster's API).
    /// </summary>
    public static async Task<NetnsAgentLab> StartAsync(string name, string? manifestsDirectory = null, int nodes = 1, IReadOnlyList<MeshCluster>? mesh = null, bool ciliumAgentPods = true)
    {
        var prefix = "a" + Guid.NewGuid().ToString("N")[..6];
        var dir = Directory.CreateTempSubdirectory("labsite-agentlab-").FullName;
        var agent = AgentFixture.NetnsAgent(Path.Combine(dir, "agent.sock"), prefix, ciliumAgentPods);
        await agent.StartAsync();
        var client = new AgentClient(Path.Combine(dir, "agent.sock"));
        var cluster = await client.CreateAsync(new ClusterRequest(name, ManifestsDirectory: manifestsDirectory, Nodes: nodes, Mesh: mesh), null, default);
        var local = (NetnsCluster)(await agent.Services.GetRequiredService<NetnsBackend>().FindAsync(name, default))!;
        await local.WaitUntilSettledAsync(default);
        return new NetnsAgentLab(dir, prefix, agent, client, cluster, local);
    }

    /// <summary>The lab's Hubble Observer socket (<c>&lt;agent socket folder&gt;/hubble/&lt;lab&gt;.sock</c>), as <c>hubble --server unix://</c> reaches it.</summary>
    public string HubbleSocket => Path.Combine(_dir, "hubble", Cluster.Name + ".sock");

    /// <summary>Writes a kubeconfig for the lab's Kubernetes API (what <c>labsite cluster kubeconfig</c> prints) and returns its path.</summary>
    public async Task<string> WriteKubeconfigAsync()
    {
        var path = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(path, Agent.Client.Kubeconfig.For(Cluster.Name, await _client.KubernetesAccessAsync(Cluster.Name, default)));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DestroyAsync(Cluster.Name, default);
        _client.Dispose();
        await _agent.StopAsync();
        await _agent.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }
}

using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Agent.Tests;

/// <summary>
/// A real agent (netns backend, kernel) running the Star Wars app in one lab, with a kubeconfig for the lab's
/// Kubernetes API: what the exec tests drive the real kubectl and raw WebSockets against. Its own name prefix and roots.
/// </summary>
public sealed class KubeExecLab : IAsyncLifetime
{
    public const string Name = "kexec";
    private readonly string _prefix = "x" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-kexec-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _agent;
    private AgentClient _client = null!;

    public string Kubeconfig { get; private set; } = "";

    public KubernetesAccess Access { get; private set; } = null!;

    public NetnsCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _agent = AgentFixture.NetnsAgent(Path.Combine(_dir, "agent.sock"), _prefix);
        await _agent.StartAsync();
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        _client = new AgentClient(Path.Combine(_dir, "agent.sock"));
        await _client.CreateAsync(new ClusterRequest(Name, "star-wars", manifests), null, default);
        Cluster = (NetnsCluster)(await _agent.Services.GetRequiredService<NetnsBackend>().FindAsync(Name, default))!;
        await Cluster.WaitUntilSettledAsync(default);
        Access = await _client.KubernetesAccessAsync(Name, default);
        Kubeconfig = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(Kubeconfig, Client.Kubeconfig.For(Name, Access));
    }

    public Task<KubectlRun> KubectlAsync(params string[] args) => RealKubectl.RunAsync(["--kubeconfig", Kubeconfig, .. args]);

    public Task<KubectlRun> KubectlWithInputAsync(byte[] input, params string[] args) => RealKubectl.RunWithInputAsync(input, ["--kubeconfig", Kubeconfig, .. args]);

    public async Task DisposeAsync()
    {
        await _client.DestroyAsync(Name, default);
        _client.Dispose();
        await _agent!.StopAsync();
        await _agent.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }
}

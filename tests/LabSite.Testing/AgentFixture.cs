using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Cli;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LabSite.Testing;

/// <summary>A real agent (Kestrel on a unix socket in a temp folder) hosting the in-memory backend.</summary>
public sealed class AgentFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-agent-test-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _app;

    public string SocketPath => Path.Combine(_dir, "agent.sock");

    public InMemoryClusterBackend Backend { get; } = new();

    /// <summary>
    /// A real agent with the real backends on <paramref name="socket"/>, whose kernel objects carry
    /// <paramref name="prefix"/> (names, bpffs, cgroup and run folders), so it never touches another run's labs.
    /// </summary>
    public static WebApplication NetnsAgent(string socket, string prefix, bool ciliumAgentPods = true) =>
        AgentHost.Build(new AgentOptions { SocketPath = socket, KubeApiPort = 0 }, services =>
        {
            AgentBackends.Add(services);
            services.Configure<NetnsOptions>(o =>
            {
                o.NamePrefix = prefix;
                o.CiliumAgentPods = ciliumAgentPods;
                o.BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}";
                o.CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}";
                o.RunDirectory = $"/run/labsite-{prefix}";
            });
        });

    /// <summary>Removes the (emptied) roots of a netns agent or backend whose name prefix is <paramref name="prefix"/>.</summary>
    public static void DeleteNetnsRoots(string prefix)
    {
        foreach (var root in new[] { $"/sys/fs/bpf/labsite-{prefix}", $"/sys/fs/cgroup/unified/labsite-{prefix}", $"/run/labsite-{prefix}" })
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root);
            }
        }
    }

    public async Task InitializeAsync()
    {
        _app = AgentHost.Build(new AgentOptions { SocketPath = SocketPath, KubeApiPort = 0 }, services => services.AddSingleton<IClusterBackend>(Backend));
        await _app.StartAsync();
    }

    /// <summary>
    /// Creates lab <paramref name="name"/> (with the manifests in <paramref name="manifestsDirectory"/>) and writes a kubeconfig for its
    /// Kubernetes API, as <c>labsite cluster kubeconfig</c> prints it; returns the kubeconfig's path.
    /// </summary>
    public async Task<string> KubeconfigAsync(string name, string? manifestsDirectory = null)
    {
        using var client = new AgentClient(SocketPath);
        await client.CreateAsync(new ClusterRequest(name, ManifestsDirectory: manifestsDirectory), null, default);
        var path = Path.Combine(_dir, $"{name}.kubeconfig");
        await File.WriteAllTextAsync(path, Kubeconfig.For(name, await client.KubernetesAccessAsync(name, default)));
        return path;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}

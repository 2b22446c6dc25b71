using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Agent.Tests;

/// <summary>How `labsite serve` finds its lab agent: a running one on the socket, else its own.</summary>
public sealed class AgentAttachmentTests(AgentFixture running) : IClassFixture<AgentFixture>
{
    [Fact]
    public async Task Auto_uses_a_running_agent_through_its_socket()
    {
        await using var attached = await AgentAttachment.AttachAsync(AgentMode.Auto, running.SocketPath, _ => { }, default);

        Assert.Null(attached.Hosted);
        Assert.IsType<AgentClient>(Assert.Single(attached.Agent!.Backends));
        Assert.StartsWith($"lab clusters: agent on {running.SocketPath} (pid {Environment.ProcessId}, backends: fake)", attached.Description);
        var cluster = await attached.Agent.Backend(null).CreateAsync(new ClusterRequest("attach-remote"), null, default);
        Assert.Equal("fake", cluster.Backend);
    }

    [Fact]
    public async Task Auto_hosts_an_agent_in_process_when_none_runs_and_serves_the_socket_for_the_cli()
    {
        var dir = Path.Combine(Path.GetTempPath(), "labsite-attach-" + Guid.NewGuid().ToString("N")[..8]);
        var socket = Path.Combine(dir, "agent.sock");
        var backend = new InMemoryClusterBackend();
        await using (var attached = await AgentAttachment.AttachAsync(AgentMode.Auto, socket, s => s.AddSingleton<IClusterBackend>(backend), default))
        {
            Assert.NotNull(attached.Hosted);
            Assert.Equal($"lab clusters: in-process agent, serving {socket} (backends: fake)", attached.Description);
            await attached.Agent!.Backend(null).CreateAsync(new ClusterRequest("attach-local"), null, default);
            // The site reaches its own agent through the socket: its clusters are the agent's, where the real kubectl runs.
            Assert.IsAssignableFrom<LabSite.Clusters.Contract.Kubernetes.IKubectlRunner>(await attached.Agent.FindAsync("attach-local", default));

            using var cli = new AgentClient(socket);
            Assert.Equal("attach-local", (await cli.ListAsync(default)).Single().Name);
        }
        Assert.False(File.Exists(socket));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Off_and_an_absent_remote_agent_leave_the_site_without_clusters_and_say_why()
    {
        await using var off = await AgentAttachment.AttachAsync(AgentMode.Off, running.SocketPath, _ => { }, default);
        Assert.Null(off.Agent);
        Assert.Equal("lab clusters: off (--agent off)", off.Description);

        await using var remote = await AgentAttachment.AttachAsync(AgentMode.Remote, "/tmp/labsite-absent.sock", _ => { }, default);
        Assert.Null(remote.Agent);
        Assert.StartsWith("lab clusters unavailable: cannot reach the lab agent at /tmp/labsite-absent.sock", remote.Description);
    }
}

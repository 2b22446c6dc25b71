using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Shell;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// <c>GET /v1/clusters/{name}/bpf-objects</c> on the real agent API with the in-memory backend: the model arrives as the
/// backend built it, an unknown cluster is a 404 and a backend without eBPF objects a 501 that bpftool passes on.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AgentBpfObjectsApiTests(AgentFixture agent) : IClassFixture<AgentFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("labsite-bpfobjects-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Status, string Out, string Err)> Shell(ILabCluster cluster, string line)
    {
        var shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_folder), cluster, new ProcessToolRunner()));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await shell.RunAsync(line, stdout, stderr, default);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_labs_objects_arrive_as_the_backend_listed_them()
    {
        using var client = new AgentClient(agent.SocketPath);
        var remote = Assert.IsAssignableFrom<IBpfObjects>(await client.CreateAsync(new ClusterRequest("bpf-objects"), null, default));
        var local = agent.Backend.Cluster("bpf-objects")!.BpfObjects;

        var answer = await remote.GetBpfObjectsAsync(default);
        Assert.Equal(local.PinDirectory, answer.PinDirectory);
        Assert.Equal(local.Objects, answer.Objects);

        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        Assert.Equal(
            """{"pinDirectory":"/sys/fs/bpf/labsite/fake","objects":[{"kind":"program","id":41},{"kind":"map","id":7},{"kind":"map","id":8,"pinnedPath":"/sys/fs/bpf/labsite/fake/ls_ipcache"},{"kind":"map","id":90,"pinnedPath":"/sys/fs/bpf/labsite/fake/ls_pol_00003"}]}""",
            await http.GetStringAsync("v1/clusters/bpf-objects/bpf-objects"));
    }

    [Fact]
    public async Task Bpftool_through_the_agent_refuses_ids_the_lab_does_not_own_before_running_anything()
    {
        using var client = new AgentClient(agent.SocketPath);
        var cluster = await client.CreateAsync(new ClusterRequest("bpf-gate"), null, default);
        Assert.Equal((2, "", "bpftool: map id 999 is not one of this lab's maps (this lab's: 7, 8, 90; see bpftool map show)\n"),
            await Shell(cluster, "bpftool map dump id 999"));
        Assert.Equal((2, "", "bpftool: pinned /sys/fs/bpf/labsite/other/ls_ipcache: only files in this lab's pin folder /sys/fs/bpf/labsite/fake/ are allowed\n"),
            await Shell(cluster, "bpftool map dump pinned /sys/fs/bpf/labsite/other/ls_ipcache"));
    }

    [Fact]
    public async Task A_backend_without_eBPF_objects_answers_501_and_bpftool_says_so()
    {
        using var client = new AgentClient(agent.SocketPath);
        var plain = await client.CreateAsync(new ClusterRequest("bpf-plain", InMemoryClusterBackend.NoInspection), null, default);
        const string Why = "cluster \"bpf-plain\" (fake) has no eBPF objects of its own on this host (bpftool works on netns clusters)";

        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        var response = await http.GetAsync("v1/clusters/bpf-plain/bpf-objects");
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal(Why, JsonSerializer.Deserialize<ErrorBody>(await response.Content.ReadAsStringAsync(), AgentProtocol.Json)!.Error);

        var error = await Assert.ThrowsAsync<ClusterException>(() => ((IBpfObjects)plain).GetBpfObjectsAsync(default));
        Assert.Equal(Why, error.Message);
        Assert.Equal((1, "", $"bpftool: {Why}\n"), await Shell(plain, "bpftool map show"));
    }

    [Fact]
    public async Task An_unknown_or_destroyed_cluster_is_a_404()
    {
        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        var response = await http.GetAsync("v1/clusters/no-such/bpf-objects");
        Assert.Equal((HttpStatusCode.NotFound, """{"error":"cluster \u0022no-such\u0022 not found"}"""), (response.StatusCode, await response.Content.ReadAsStringAsync()));

        using var client = new AgentClient(agent.SocketPath);
        var gone = await client.CreateAsync(new ClusterRequest("bpf-gone"), null, default);
        await client.DestroyAsync("bpf-gone", default);
        Assert.Equal((1, "", "bpftool: cluster \"bpf-gone\" not found\n"), await Shell(gone, "bpftool prog show"));
    }
}

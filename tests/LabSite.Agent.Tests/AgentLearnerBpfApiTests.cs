using System.Net;
using System.Runtime.Versioning;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Shell;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// The learner-program routes on the real agent API with the in-memory backend, which loads nothing: every route answers
/// 501 with the reason, the lab shell's clang and bpf pass it on, and an unknown cluster is a 404. The routes' success
/// path runs against the kernel in the shell's and the netns backend's privileged tests.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AgentLearnerBpfApiTests(AgentFixture agent) : IClassFixture<AgentFixture>, IDisposable
{
    private const string Why = "cluster \"bpf-none\" (fake) cannot load programs of yours (the netns backend can)";

    private readonly string _folder = Directory.CreateTempSubdirectory("labsite-learnerbpf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_backend_that_loads_nothing_answers_501_on_every_route()
    {
        using var client = new AgentClient(agent.SocketPath);
        var learner = Assert.IsAssignableFrom<ILearnerBpf>(await client.CreateAsync(new ClusterRequest("bpf-none"), null, default));

        Assert.Equal(Why, (await Assert.ThrowsAsync<ClusterException>(() => learner.ListBpfAsync(default))).Message);
        Assert.Equal(Why, (await Assert.ThrowsAsync<ClusterException>(() => learner.UnloadBpfAsync("x", default))).Message);
        Assert.Equal(Why, (await Assert.ThrowsAsync<ClusterException>(() =>
            learner.LoadBpfAsync(new LearnerBpfLoadRequest("x", [1, 2, 3], "default", "web", BpfHook.Ingress), default))).Message);
        Assert.Equal(Why, (await Assert.ThrowsAsync<ClusterException>(() =>
            learner.CompileBpfAsync(new BpfCompileRequest(ClangArguments.Parse(["-target", "bpf", "-c", "a.c"]), new Dictionary<string, byte[]> { ["a.c"] = [] }), default))).Message);

        var shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_folder), (ILabCluster)learner, new ProcessToolRunner()));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        await File.WriteAllTextAsync(Path.Combine(_folder, "a.c"), "int x;\n");
        Assert.Equal(1, await shell.RunAsync("clang -O2 -target bpf -c a.c", stdout, stderr, default));
        Assert.Equal(1, await shell.RunAsync("bpf list", stdout, stderr, default));
        Assert.Equal("", stdout.ToString());
        Assert.Equal($"clang: {Why}\n{Why}\n", stderr.ToString());
    }

    [Fact]
    public async Task An_unknown_cluster_is_a_404()
    {
        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v1/clusters/no-such/bpf/programs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync("v1/clusters/no-such/bpf/programs/x")).StatusCode);
    }
}

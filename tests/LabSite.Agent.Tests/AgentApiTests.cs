using System.Runtime.Versioning;
using System.Text;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>Round trips through the real agent API over its unix socket, with <see cref="AgentClient"/>.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentApiTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private AgentClient Client() => new(agent.SocketPath);

    private static ManifestText File(string name) => new(System.IO.File.ReadAllText(RepositoryPaths.StarWarsManifest(name)), name);

    [Fact]
    public void Socket_is_readable_by_its_owner_only()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(agent.SocketPath));
    }

    [Fact]
    public async Task Create_streams_progress_then_the_cluster_is_listed_and_found()
    {
        using var client = Client();
        var progress = new List<ClusterProgress>();
        var cluster = await client.CreateAsync(new ClusterRequest("api-create", "star-wars"), new ListProgress(progress), default);

        Assert.Equal(("api-create", "fake"), (cluster.Name, cluster.Backend));
        Assert.Equal(["store", "manifests"], progress.Select(p => p.Stage));
        var summary = (await client.ListAsync(default)).Single(c => c.Name == "api-create");
        Assert.Equal("star-wars", summary.LabId);
        Assert.NotNull(await client.FindAsync("api-create", default));
        Assert.Null(await client.FindAsync("no-such-cluster", default));
    }

    [Fact]
    public async Task Create_rejects_a_duplicate_and_a_bad_name_with_the_agents_message()
    {
        using var client = Client();
        await client.CreateAsync(new ClusterRequest("api-dup"), null, default);

        var dup = await Assert.ThrowsAsync<ClusterException>(() => client.CreateAsync(new ClusterRequest("api-dup"), null, default));
        Assert.Equal("cluster \"api-dup\" already exists", dup.Message);
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => client.CreateAsync(new ClusterRequest("Bad_Name"), null, default));
        Assert.StartsWith("cluster name \"Bad_Name\" is invalid: a lowercase RFC 1123 label", bad.Message);
    }

    [Fact]
    public async Task Apply_get_and_delete_round_trip_kubectl_results_and_objects()
    {
        using var client = Client();
        var cluster = await client.CreateAsync(new ClusterRequest("api-objects"), null, default);

        var created = await cluster.ApplyAsync(File("http-sw-app.yaml"), ApplyMode.Create, default);
        Assert.Equal(["service/deathstar created", "deployment.apps/deathstar created", "pod/tiefighter created", "pod/xwing created"], created.Lines);
        var again = await cluster.ApplyAsync(File("http-sw-app.yaml"), ApplyMode.Create, default);
        Assert.False(again.Succeeded);
        Assert.Contains("services \"deathstar\" already exists", again.Errors[0]);

        var empire = await cluster.GetAsync(new ObjectQuery("po", LabelSelector: "org=empire"), default);
        Assert.Equal(3, empire.Count);
        Assert.All(empire, p => Assert.Equal("Running", (string?)p.Json["status"]?["phase"]));
        var endpoints = (await cluster.GetAsync(new ObjectQuery("ep", Name: "deathstar"), default)).Single();
        Assert.Equal(2, endpoints.Json["subsets"]?[0]?["addresses"]?.AsArray().Count);

        var bad = await Assert.ThrowsAsync<ClusterException>(() => cluster.GetAsync(new ObjectQuery("foos"), default));
        Assert.Equal("error: the server doesn't have a resource type \"foos\"", bad.Message);

        var deleted = await cluster.ApplyAsync(File("http-sw-app.yaml"), ApplyMode.Delete, default);
        Assert.Equal(4, deleted.Lines.Count);
        Assert.Empty(await cluster.GetAsync(new ObjectQuery("pods"), default));
    }

    [Fact]
    public async Task Exec_streams_stdout_and_stderr_and_passes_the_exit_code()
    {
        using var client = Client();
        var cluster = await client.CreateAsync(new ClusterRequest("api-exec"), null, default);
        await cluster.ApplyAsync(File("http-sw-app.yaml"), ApplyMode.Apply, default);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();

        var ok = await cluster.ExecAsync(new ExecRequest("default", "xwing", ["echo", "Ship", "landed"]), new ExecStreams(stdout, stderr), default);
        var warn = await cluster.ExecAsync(new ExecRequest("default", "xwing", ["warn", "careful"]), new ExecStreams(stdout, stderr), default);
        var failed = await cluster.ExecAsync(new ExecRequest("default", "xwing", ["exit", "28"]), new ExecStreams(stdout, stderr), default);

        Assert.Equal((0, 0, 28), (ok, warn, failed));
        Assert.Equal("Ship landed\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("careful\n", Encoding.UTF8.GetString(stderr.ToArray()));
        var missing = await Assert.ThrowsAsync<ClusterException>(() =>
            cluster.ExecAsync(new ExecRequest("default", "ghost", ["echo"]), new ExecStreams(stdout, stderr), default));
        Assert.Equal("pods \"ghost\" not found", missing.Message);
    }

    [Fact]
    public async Task Logs_destroy_and_gc()
    {
        using var client = Client();
        var cluster = await client.CreateAsync(new ClusterRequest("api-down"), null, default);
        await cluster.ApplyAsync(File("http-sw-app.yaml"), ApplyMode.Apply, default);
        Assert.Equal("logs of default/xwing tail=all\n", await cluster.LogsAsync("default", "xwing", null, default));

        await client.DestroyAsync("api-down", default);
        Assert.Null(await client.FindAsync("api-down", default));
        var gone = await Assert.ThrowsAsync<ClusterException>(() => client.DestroyAsync("api-down", default));
        Assert.Equal("cluster \"api-down\" not found", gone.Message);

        agent.Backend.GarbageToCollect = 3;
        var report = await client.CollectGarbageAsync(default);
        Assert.Equal(3, report.Removed["netns"]);
        agent.Backend.GarbageToCollect = 0;
    }

    [Fact]
    public async Task A_missing_agent_is_reported_with_how_to_start_one()
    {
        using var client = new AgentClient("/tmp/labsite-no-agent-here.sock");
        var e = await Assert.ThrowsAsync<AgentUnavailableException>(() => client.ListAsync(default));
        Assert.StartsWith("cannot reach the lab agent at /tmp/labsite-no-agent-here.sock: ", e.Message);
        Assert.EndsWith("(start one with `labsite agent --socket /tmp/labsite-no-agent-here.sock`)", e.Message);
    }

    private sealed class ListProgress(List<ClusterProgress> list) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value) => list.Add(value);
    }
}

using LabSite.Clusters.Contract;
using LabSite.Clusters.Kind.Tools;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>
/// The backend's create/destroy/GC logic against the real dockerd. kind itself cannot run here (no registry for its
/// node image), so a stand-in script plays kind's part: it starts labelled node containers from the local image and
/// then succeeds or fails, and the backend must clean up through the engine exactly as after real kind.
/// </summary>
public sealed class KindBackendPrivilegedTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("labsite-kind-").FullName;

    private KindBackend Backend(string kind, string helm = "/bin/true", string kubectl = "/bin/true") => new(new KindOptions
    {
        InfraDirectory = Path.Combine(AppContext.BaseDirectory, "infra"),
        StateDirectory = Path.Combine(_dir, "state"),
        Kind = kind,
        Helm = helm,
        Kubectl = kubectl,
        NodeMemoryMiB = 128,
        NodeCpus = 0.25,
        ReadyTimeout = TimeSpan.FromSeconds(5),
    }, docker.Nodes, new ToolRunner());

    /// <summary>A kind stand-in: "create cluster --name X" starts two labelled node containers, prints kind-like lines, exits <paramref name="exit"/>.</summary>
    private string FakeKind(int exit)
    {
        var path = Path.Combine(_dir, $"kind{exit}");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            if [ "$1 $2" = "create cluster" ]; then
              name=$4
              for role in control-plane worker; do
                docker run -d --network none --label io.x-k8s.kind.cluster=$name --label io.x-k8s.kind.role=$role {{DockerFixture.Image}} /bin/sleep 3600 >/dev/null
              done
              echo "Creating cluster \"$name\" ..."
              echo " ✓ Preparing nodes 📦 📦"
              [ {{exit}} = 0 ] || echo "ERROR: failed to init node with kubeadm: exit status 1"
              exit {{exit}}
            fi
            exit 0
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        return path;
    }

    private static string Lab() => "t" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_failing_kind_create_names_the_stage_and_last_lines_and_leaves_nothing()
    {
        var lab = Lab();
        var progress = new List<ClusterProgress>();
        var e = await Assert.ThrowsAsync<StageFailedException>(() =>
            Backend(FakeKind(1)).CreateAsync(new ClusterRequest(lab), new SyncProgress(progress), default));
        Assert.Equal("kind create cluster", e.Stage);
        Assert.StartsWith($"create {lab}: kind create cluster failed (exit 1):", e.Message, StringComparison.Ordinal);
        Assert.Contains("failed to init node with kubeadm", e.Message, StringComparison.Ordinal);
        Assert.Contains(progress, p => p.Message.Contains("Preparing nodes", StringComparison.Ordinal));
        Assert.Empty(await docker.Nodes.ListAsync(KindNames.ForLab(lab), default));
        Assert.False(Directory.Exists(Path.Combine(_dir, "state", lab)));
    }

    [Fact]
    public async Task A_failure_after_kind_create_removes_the_nodes_kind_made()
    {
        var lab = Lab();
        // helm fails: the cluster's node containers exist by then and must go
        var e = await Assert.ThrowsAsync<StageFailedException>(() =>
            Backend(FakeKind(0), helm: "/bin/false").CreateAsync(new ClusterRequest(lab), null, default));
        Assert.Equal("helm install cilium", e.Stage);
        Assert.Empty(await docker.Nodes.ListAsync(KindNames.ForLab(lab), default));
        Assert.Empty(await Backend("/bin/true").ListAsync(default));
    }

    [Fact]
    public async Task Missing_kind_is_one_line_saying_what_to_install_and_nothing_is_made()
    {
        var lab = Lab();
        var e = await Assert.ThrowsAsync<ClusterException>(() => Backend("/nonexistent/kind").CreateAsync(new ClusterRequest(lab), null, default));
        Assert.Equal($"create {lab}: /nonexistent/kind not found (looked for '/nonexistent/kind'); {KindBackend.KindInstall}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "state", lab)));
    }

    [Theory]
    [InlineData("Bad_Name")]
    [InlineData("../../etc")]
    [InlineData("")]
    [InlineData("a-very-long-name-that-kind-would-refuse-for-node-names-x")]
    public async Task Names_kind_or_Kubernetes_refuse_are_refused_before_anything_runs(string name)
    {
        var e = await Assert.ThrowsAsync<ClusterException>(() => Backend(FakeKind(0)).CreateAsync(new ClusterRequest(name), null, default));
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "state")) && Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "state")).Any());
    }

    [Fact]
    public async Task Gc_after_a_crash_removes_nodes_no_record_owns_and_keeps_live_ones()
    {
        var crashed = Lab();
        var live = Lab();
        var backend = Backend("/bin/true");
        // a crash mid-create: node containers, no record
        await docker.StartNodeAsync(KindNames.ForLab(crashed), "control-plane");
        await docker.StartNodeAsync(KindNames.ForLab(crashed), "worker");
        // a finished cluster: node container and record
        await docker.StartNodeAsync(KindNames.ForLab(live), "control-plane");
        backend.State.Prepare(live);
        await backend.State.CommitAsync(new KindState.Record(live, "starwars", DateTimeOffset.UtcNow), default);
        // a record whose containers are gone (docker rm by hand)
        var vanished = Lab();
        backend.State.Prepare(vanished);
        await backend.State.CommitAsync(new KindState.Record(vanished, null, DateTimeOffset.UtcNow), default);
        try
        {
            var report = await backend.CollectGarbageAsync(default);
            Assert.True(report.Removed["container"] >= 2);
            Assert.True(report.Removed["record"] >= 1);
            Assert.Empty(await docker.Nodes.ListAsync(KindNames.ForLab(crashed), default));
            Assert.Single(await docker.Nodes.ListAsync(KindNames.ForLab(live), default));
            Assert.Equal([live], (await backend.ListAsync(default)).Select(s => s.Name));
            Assert.NotNull(await backend.FindAsync(live, default));
            Assert.Null(await backend.FindAsync(vanished, default));

            await backend.DestroyAsync(live, default);
            Assert.Empty(await docker.Nodes.ListAsync(KindNames.ForLab(live), default));
            Assert.Empty(await backend.ListAsync(default));
            await backend.DestroyAsync(live, default); // idempotent
        }
        finally
        {
            await docker.RemoveClusterAsync(KindNames.ForLab(crashed));
            await docker.RemoveClusterAsync(KindNames.ForLab(live));
        }
    }

    [Fact]
    public async Task The_warm_pool_fills_through_the_kind_backend_and_a_failed_create_leaves_no_node_and_no_member()
    {
        // kind starts labelled node containers, then helm fails: the pool's create goes through every kind stage it can here
        var backend = Backend(FakeKind(0), helm: "/bin/false");
        var pool = new Web.Clusters.Pool.WarmPool(backend,
            Microsoft.Extensions.Options.Options.Create(new Web.Clusters.Pool.WarmPoolOptions { Labs = new() { ["starwars"] = 2 }, Parallelism = 2 }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Web.Clusters.Pool.WarmPool>.Instance);

        Assert.Equal(0, await pool.FillAsync(default));

        var snapshot = pool.Read();
        Assert.Equal((0, 0, 2), (snapshot.Ready, snapshot.Creating, snapshot.Failed));
        Assert.DoesNotContain(await docker.Nodes.ListAsync(null, default), n => n.Cluster.StartsWith(KindNames.Prefix + "p", StringComparison.Ordinal) && n.Cluster.EndsWith("-starwars", StringComparison.Ordinal));
        Assert.Empty(await backend.ListAsync(default));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Progress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<ClusterProgress> into) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }
}

using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests;

/// <summary>The real demo manifest (http-sw-app.yaml) through the object store into the kernel and back.</summary>
[Trait("Category", "Privileged")]
public sealed class ManifestClusterPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("manifests"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task CreateTheDemoThenLandThenDeleteIt()
    {
        var created = await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None);
        Assert.Equal(["service/deathstar created", "deployment.apps/deathstar created", "pod/tiefighter created", "pod/xwing created"], created.Lines);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Null(_cluster.LastRuntimeError);

        var pods = await _cluster.GetAsync(new ObjectQuery("pods"), CancellationToken.None);
        Assert.Equal(4, pods.Count);
        Assert.All(pods, p => Assert.Equal("Running", (string?)p.Json["status"]!["phase"]));
        Assert.All(pods, p => Assert.Equal(_cluster.FindPod("default", p.Name)!.Ip.ToString(), (string?)p.Json["status"]!["podIP"]));
        Assert.Equal(2, pods.Count(p => p.Name.StartsWith("deathstar-", StringComparison.Ordinal)));

        var svc = Assert.Single(await _cluster.GetAsync(new ObjectQuery("svc", Name: "deathstar"), CancellationToken.None));
        var clusterIp = (string?)svc.Json["spec"]!["clusterIP"];
        Assert.Equal(clusterIp, _cluster.ServiceEntries.Single().Frontend.ToString());
        Assert.Equal(2, _cluster.ServiceEntries.Single().Backends.Count);

        foreach (var ship in new[] { "tiefighter", "xwing" })
        {
            var r = await NetnsTestLabs.ExecAsync(_cluster, ship, "curl", "-sS", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
            Assert.True(r.Stdout == "Ship landed\n", $"{ship}: exit {r.ExitCode}, stdout \"{r.Stdout}\", stderr \"{r.Stderr}\"");
        }

        var deleted = await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Delete, CancellationToken.None);
        Assert.True(deleted.Succeeded, string.Join("; ", deleted.Errors));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Empty(_cluster.Pods);
        Assert.Empty(_cluster.ServiceEntries);
        Assert.Equal([_cluster.Names.NodeNetns], _cluster.OwnedNamespaces);
        Assert.DoesNotContain(Directory.GetFiles("/run/netns").Select(Path.GetFileName), n => n!.StartsWith(_backend.Options.NamePrefix + "-manifests-p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RelabellingAPodMovesItInAndOutOfAService()
    {
        static string Pod(string org) => $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    org: {org}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";
        const string svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    org: empire\n  ports:\n  - port: 8080\n    targetPort: 80\n";
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(svc + "---\n" + Pod("alliance")), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Empty(_cluster.ServiceEntries.Single().Backends);

        var relabel = await _cluster.ApplyAsync(StoreFixture.Yaml(Pod("empire")), ApplyMode.Apply, CancellationToken.None);
        Assert.Equal(["pod/web configured"], relabel.Lines);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var backend = Assert.Single(_cluster.ServiceEntries.Single().Backends);
        Assert.Equal((_cluster.FindPod("default", "web")!.Ip, 80), (backend.Ip, backend.Port));

        var r = await NetnsTestLabs.ExecAsync(_cluster, "web", "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "web.default.svc.cluster.local:8080/");
        Assert.True(r.Stdout == "200", $"exit {r.ExitCode}: {r.Stdout} {r.Stderr}");
    }

    [Fact]
    public async Task UnknownImageShowsErrImagePullInTheStore()
    {
        var yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mystery\nspec:\n  containers:\n  - name: c\n    image: example.com/nope:1\n";
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Yaml(yaml), ApplyMode.Apply, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        var pod = Assert.Single(await _cluster.GetAsync(new ObjectQuery("pod", Name: "mystery"), CancellationToken.None));
        Assert.Equal("Pending", (string?)pod.Json["status"]!["phase"]);
        var waiting = pod.Json["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!;
        Assert.Equal("ErrImagePull", (string?)waiting["reason"]);
        Assert.Contains("built-in images: quay.io/cilium/starwars", (string?)waiting["message"]);
    }

    [Fact]
    public async Task StartingManifestsAndProgressComeWithTheRequest()
    {
        var dir = Directory.CreateTempSubdirectory("labsite-manifests-");
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(dir.FullName, "10-app.yaml"));
        var events = new List<ClusterProgress>();
        var progress = new SynchronousProgress(events.Add);
        try
        {
            var c = await _backend.CreateAsync(new ClusterRequest("withapp", "star-wars", dir.FullName), progress, CancellationToken.None);
            Assert.Equal(4, c.Pods.Count(p => p.Ready));
            Assert.Equal(["directories", "namespaces", "datapath", "runtime-security", "ready"], events.Select(e => e.Stage));
            Assert.All(events, e => Assert.Equal(5, e.Steps));
            var summary = Assert.Single(await _backend.ListAsync(CancellationToken.None), s => s.Name == "withapp");
            Assert.Equal(("netns", "star-wars", 4), (summary.Backend, summary.LabId, summary.Pods));

            // Nothing of the lab is configured in the host's own namespace.
            var hostLinks = await Run("ip", "-o", "link", "show");
            var hostRoutes = await Run("ip", "-4", "route", "show", "table", "all");
            Assert.DoesNotContain("labsite:withapp", hostLinks);
            Assert.DoesNotContain(c.Pods[0].NodeVeth, hostLinks);
            Assert.DoesNotContain($"10.{c.Addressing.PodOctet}.", hostRoutes);
        }
        finally
        {
            await _backend.DestroyAsync("withapp", CancellationToken.None);
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BadStartingManifestFailsCreateAndLeavesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("labsite-manifests-");
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "bad.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\n");
        try
        {
            var e = await Assert.ThrowsAsync<ClusterException>(() => _backend.CreateAsync(new ClusterRequest("badapp", null, dir.FullName), null, CancellationToken.None));
            Assert.Contains("bad.yaml", e.Message);
            Assert.Null(_backend.Find("badapp"));
            Assert.DoesNotContain(Directory.GetFiles("/run/netns").Select(Path.GetFileName), n => n!.StartsWith(_backend.Options.NamePrefix + "-badapp-", StringComparison.Ordinal));
            Assert.False(Directory.Exists(Path.Combine(_backend.Options.CgroupRoot, "badapp")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<string> Run(string program, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardOutput = true })!;
        var s = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return s;
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want the events in order, at once.</summary>
    private sealed class SynchronousProgress(Action<ClusterProgress> report) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value) => report(value);
    }
}

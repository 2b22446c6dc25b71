using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

namespace LabSite.NetnsBench;

/// <summary>The Star Wars demo's objects (http-sw-app.yaml), started directly on a netns cluster.</summary>
public static class StarWars
{
    private const string Starwars = "quay.io/cilium/starwars@sha256:896dc536ec505778c03efedb73c3b7b83c8de11e74264c8c35291ff6d5fe8ada";
    private const string JsonMock = "quay.io/cilium/json-mock:v1.3.8@sha256:5aad04835eda9025fe4561ad31be77fd55309af8158ca8663a72f6abb78c2603";

    /// <summary>Creates http-sw-app.yaml through the object store and waits until it is live in the kernel.</summary>
    public static async Task ApplyManifestAsync(NetnsCluster cluster, CancellationToken ct)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "http-sw-app.yaml");
        var result = await cluster.ApplyAsync(new ManifestText(await File.ReadAllTextAsync(path, ct), path), ApplyMode.Create, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }

        await cluster.WaitUntilSettledAsync(ct);
        if (cluster.Pods.Count(p => p.Ready) != 4)
        {
            throw new InvalidOperationException($"expected 4 ready pods, got {cluster.Pods.Count(p => p.Ready)}; {cluster.LastRuntimeError?.Message}");
        }
    }

    /// <summary>The same objects constructed directly (no YAML, no store), for the crash-test child.</summary>
    public static async Task StartAsync(NetnsCluster cluster, CancellationToken ct)
    {
        var labels = new Dictionary<string, string> { ["org"] = "empire", ["class"] = "deathstar" };
        await cluster.ApplyServiceAsync(new ServiceSpec("default", "deathstar", await cluster.AllocateServiceIpAsync(ct), labels, [new ServicePort(80)]), ct);
        await cluster.RunPodsAsync(
        [
            new PodSpec("default", "deathstar-6fb5694d48-5hmds", labels, [new ContainerSpec("deathstar", Starwars)]),
            new PodSpec("default", "deathstar-6fb5694d48-kp2xq", labels, [new ContainerSpec("deathstar", Starwars)]),
            new PodSpec("default", "tiefighter", new Dictionary<string, string> { ["org"] = "empire", ["class"] = "tiefighter" }, [new ContainerSpec("spaceship", JsonMock)]),
            new PodSpec("default", "xwing", new Dictionary<string, string> { ["org"] = "alliance", ["class"] = "xwing" }, [new ContainerSpec("spaceship", JsonMock)]),
        ], ct);
    }

    /// <summary>Runs the demo's landing request from a ship; true when the Death Star answered "Ship landed".</summary>
    /// <summary>Exit codes of failed landings, e.g. 28 (curl timeout) or 124 (exec timeout), for the scale report.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentBag<int> FailureCodes = [];

    public static async Task<bool> LandAsync(NetnsCluster cluster, string ship, CancellationToken ct)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var code = await cluster.ExecAsync(
            new ExecRequest("default", ship, ["curl", "-s", "--max-time", "5", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing"], TimeSpan.FromSeconds(10)),
            new ExecStreams(stdout, stderr),
            ct);
        var landed = code == 0 && Encoding.UTF8.GetString(stdout.ToArray()) == "Ship landed\n";
        if (!landed)
        {
            FailureCodes.Add(code);
        }

        return landed;
    }
}

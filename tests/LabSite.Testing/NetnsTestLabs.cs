using System.Net;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

namespace LabSite.Testing;

/// <summary>
/// Helpers for privileged tests: options with a prefix and roots private to one test run (so concurrent
/// runs and other agents on the host are never touched), and the Star Wars demo built directly.
/// </summary>
public static class NetnsTestLabs
{
    public static NetnsOptions Options(string? prefix = null)
    {
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..6];
        return new NetnsOptions
        {
            NamePrefix = prefix,
            BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}",
            CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}",
            RunDirectory = $"/run/labsite-{prefix}",
        };
    }

    /// <summary>
    /// Removes a test backend's own roots (bpffs, cgroup, run folder) once its labs are destroyed; a root that is
    /// not empty then throws, so a test that leaks kernel objects fails.
    /// </summary>
    public static void DeleteRoots(NetnsOptions options)
    {
        foreach (var root in new[] { options.BpffsRoot, options.CgroupRoot, options.RunDirectory })
        {
            Directory.Delete(root);
        }
    }

    /// <summary>The objects of http-sw-app.yaml: deathstar Service + 2-replica Deployment, tiefighter, xwing.</summary>
    public static async Task<IReadOnlyList<PodRuntimeStatus>> StartStarWarsAsync(NetnsCluster cluster, CancellationToken ct = default)
    {
        const string starwars = "quay.io/cilium/starwars@sha256:896dc536ec505778c03efedb73c3b7b83c8de11e74264c8c35291ff6d5fe8ada";
        const string jsonMock = "quay.io/cilium/json-mock:v1.3.8@sha256:5aad04835eda9025fe4561ad31be77fd55309af8158ca8663a72f6abb78c2603";
        var deathstarLabels = new Dictionary<string, string> { ["org"] = "empire", ["class"] = "deathstar", ["app.kubernetes.io/name"] = "deathstar" };
        var clusterIp = await cluster.AllocateServiceIpAsync(ct);
        await cluster.ApplyServiceAsync(new ServiceSpec("default", "deathstar", clusterIp,
            new Dictionary<string, string> { ["org"] = "empire", ["class"] = "deathstar" }, [new ServicePort(80)]), ct);
        return await cluster.RunPodsAsync(
        [
            new PodSpec("default", "deathstar-6fb5694d48-5hmds", deathstarLabels, [new ContainerSpec("deathstar", starwars)]),
            new PodSpec("default", "deathstar-6fb5694d48-kp2xq", deathstarLabels, [new ContainerSpec("deathstar", starwars)]),
            new PodSpec("default", "tiefighter", new Dictionary<string, string> { ["org"] = "empire", ["class"] = "tiefighter" }, [new ContainerSpec("spaceship", jsonMock)]),
            new PodSpec("default", "xwing", new Dictionary<string, string> { ["org"] = "alliance", ["class"] = "xwing" }, [new ContainerSpec("spaceship", jsonMock)]),
        ], ct);
    }

    public sealed record ExecOutput(int ExitCode, string Stdout, string Stderr);

    public static async Task<ExecOutput> ExecAsync(NetnsCluster cluster, string pod, params string[] command)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var code = await cluster.ExecAsync(new ExecRequest("default", pod, command, TimeSpan.FromSeconds(20)), new ExecStreams(stdout, stderr), CancellationToken.None);
        return new ExecOutput(code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public static IPAddress Ip(string s) => IPAddress.Parse(s);
}

using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Flows.Metrics;

/// <summary>
/// A live netns lab counts Hubble metrics from its datapath's flows: the X-wing's SYNs dropped by rule1 show up as
/// hubble_drop_total{reason="POLICY_DENIED"}, read both through the inspector and with curl from a pod at :9965.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class HubbleMetricsPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _lab = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _lab = await _backend.CreateAsync(new ClusterRequest("metrics"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_lab);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync("metrics", CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private async Task<double> DropsAsync()
    {
        var samples = PrometheusText.Parse(await _lab.GetHubbleMetricsAsync(CancellationToken.None) ?? "");
        return samples.Where(s => s.Name == "hubble_drop_total" && s.Labels["reason"] == "POLICY_DENIED").Sum(s => s.Value);
    }

    [Fact]
    public async Task A_policy_drop_counts_in_hubble_drop_total_and_curl_reads_it_from_a_pod()
    {
        Assert.Equal(0, await DropsAsync());
        var policy = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "content", "labs", "starwars", "manifests", "sw_l3_l4_policy.yaml"));
        Assert.True((await _lab.ApplyAsync(new ManifestText(policy, "sw_l3_l4_policy.yaml"), ApplyMode.Apply, CancellationToken.None)).Succeeded);

        var denied = await NetnsTestLabs.ExecAsync(_lab, "xwing", "curl", "-s", "--connect-timeout", "2", "http://deathstar.default.svc.cluster.local/v1/");
        Assert.NotEqual(0, denied.ExitCode);

        var drops = 0.0;
        for (var i = 0; i < 20 && drops == 0; i++)
        {
            await Task.Delay(100);
            drops = await DropsAsync();
        }
        Assert.True(drops >= 1, $"no POLICY_DENIED drop counted:\n{await _lab.GetHubbleMetricsAsync(CancellationToken.None)}");

        var scrape = await NetnsTestLabs.ExecAsync(_lab, "tiefighter", "curl", "-s", "--max-time", "3", $"http://{HubbleMetricCatalog.ServiceName}.kube-system.svc.cluster.local:{HubbleMetricCatalog.Port}/metrics");
        Assert.True(scrape.ExitCode == 0, scrape.Stderr);
        Assert.Contains("# TYPE hubble_drop_total counter", scrape.Stdout);
        var fromPod = PrometheusText.Parse(scrape.Stdout).Where(s => s.Name == "hubble_drop_total" && s.Labels["reason"] == "POLICY_DENIED").Sum(s => s.Value);
        Assert.True(fromPod >= drops, $"curl read {fromPod} drops, the inspector {drops}");
    }
}

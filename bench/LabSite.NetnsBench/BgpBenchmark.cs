using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.NetnsBench;

/// <summary>
/// BGP convergence through a real lab: gobgpd in the node peering with the lab's FRR router. Per run, a fresh lab gets
/// its BGP objects (peer config with 1 s connect retry, a PodCIDR advertisement) and the time until the router's RIB
/// selects the pod CIDR is the baseline (initial establishment); then the node's gobgpd is restarted and the time until
/// the router has the pod CIDR again is the convergence after a peer restart. Reports p50s and their ratio, one run.
/// </summary>
public static class BgpBenchmark
{
    private const string Config = """
        apiVersion: cilium.io/v2
        kind: CiliumBGPPeerConfig
        metadata: {name: tor}
        spec:
          timers: {holdTimeSeconds: 9, keepAliveTimeSeconds: 3, connectRetryTimeSeconds: 1}
          families: [{afi: ipv4, safi: unicast, advertisements: {matchLabels: {advertise: bgp}}}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumBGPClusterConfig
        metadata: {name: lab}
        spec:
          bgpInstances:
          - name: i
            localASN: 65001
            peers: [{name: tor, peerASN: 65000, peerAddress: 172.30.0.1, peerConfigRef: {name: tor}}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumBGPAdvertisement
        metadata: {name: pods, labels: {advertise: bgp}}
        spec:
          advertisements: [{advertisementType: PodCIDR}]
        """;

    public static async Task<int> RunAsync(int runs)
    {
        var options = BenchOptions.For("bgpb");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var initial = new List<double>();
        var restart = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var lab = await backend.CreateAsync(new ClusterRequest($"bgp{r}"), null, CancellationToken.None);
            try
            {
                var sw = Stopwatch.StartNew();
                var applied = await lab.ApplyAsync(new ManifestText(Config, "bgp.yaml"), ApplyMode.Apply, CancellationToken.None);
                if (!applied.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("; ", applied.Errors));
                }
                await RouterHasAsync(lab, true);
                initial.Add(sw.Elapsed.TotalMilliseconds);

                sw.Restart();
                await lab.RestartBgpSpeakerAsync(CancellationToken.None);
                await RouterHasAsync(lab, false); // the session dropped: FRR withdrew the route (no graceful restart)
                await RouterHasAsync(lab, true);
                restart.Add(sw.Elapsed.TotalMilliseconds);
            }
            finally
            {
                await backend.DestroyAsync(lab.Name, CancellationToken.None);
            }
        }
        var p50Initial = initial.Order().ElementAt((initial.Count - 1) / 2);
        var p50Restart = restart.Order().ElementAt((restart.Count - 1) / 2);
        Console.WriteLine($"bgp: {runs} labs, gobgpd (node) <-> FRR (router), connect retry 1 s; time until the router selects the pod CIDR");
        Console.WriteLine($"  initial establishment (baseline): {Stats.Summary(initial)}");
        Console.WriteLine($"  after a speaker restart         : {Stats.Summary(restart)}");
        Console.WriteLine($"  ratio restart/initial (p50)     : {p50Restart / p50Initial:F2}");
        return 0;
    }

    /// <summary>Polls the router's RIB every 20 ms until the pod CIDR's BGP route is (or is not) selected; gives up after 60 s.</summary>
    private static async Task RouterHasAsync(NetnsCluster lab, bool present)
    {
        for (var i = 0; i < 3000; i++)
        {
            var router = await lab.GetRouterAsync(CancellationToken.None);
            var has = router is not null && router.Routes.Any(rt => rt.Prefix == lab.Addressing.PodCidr && rt.Protocol == "bgp" && rt.Selected);
            if (has == present)
            {
                return;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"the router never {(present ? "learned" : "withdrew")} {lab.Addressing.PodCidr}");
    }
}

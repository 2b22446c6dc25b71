using System.Diagnostics;
using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Datapath;

namespace LabSite.NetnsBench;

/// <summary>
/// Policy apply → enforced on a lab of 50 pods in 3 namespaces (web, api, db apps): each run re-applies one CNP
/// ("api may be reached from web on port P", P new every run) and times (1) ApplyAsync until it returns and
/// (2) until every selected api pod's policy map in the kernel holds the new entry, read back with bpf map lookups
/// on the pinned maps (not the compiler's intent). The first run warms up and is not counted.
/// </summary>
public static class PolicyApplyBenchmark
{
    private static readonly string[] s_namespaces = ["shop", "billing", "ops"];
    private static readonly string[] s_apps = ["web", "api", "db"];

    public static async Task<int> RunAsync(int runs, int pods = 50)
    {
        var options = BenchOptions.For("bench");
        var backend = new NetnsBackend(options);
        await backend.StartAsync(CancellationToken.None);
        var cluster = await backend.CreateAsync(new ClusterRequest("apply"), null, CancellationToken.None);
        var maps = new List<BpfMap<PolicyKeyAbi, PolicyEntryAbi>>();
        try
        {
            var created = await cluster.ApplyAsync(new ManifestText(Manifest(pods), "bench-pods.yaml"), ApplyMode.Create, CancellationToken.None);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", created.Errors));
            }
            await cluster.WaitUntilSettledAsync(CancellationToken.None);
            var endpoints = await cluster.GetEndpointsAsync(CancellationToken.None);
            if (endpoints.Count != pods)
            {
                throw new InvalidOperationException($"expected {pods} endpoints, got {endpoints.Count}; {cluster.LastRuntimeError?.Message}");
            }
            var webIdentity = endpoints.First(e => e.Namespace == "shop" && e.Labels.Contains("k8s:app=web")).Identity;
            var apis = endpoints.Where(e => e.Namespace == "shop" && e.Labels.Contains("k8s:app=api")).ToList();

            var applyMs = new List<double>();
            var enforcedMs = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                var port = (ushort)(8000 + run);
                var key = new PolicyKeyAbi(webIdentity, egress: false, protocol: 6, port, portPrefixLength: 24);
                var sw = Stopwatch.StartNew();
                var result = await cluster.ApplyAsync(new ManifestText(Policy(port), "bench-cnp.yaml"), ApplyMode.Apply, CancellationToken.None);
                var applied = sw.Elapsed.TotalMilliseconds;
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("; ", result.Errors));
                }
                if (run == 0)
                {
                    // The api pods' maps exist once a policy selects them; open the pins once.
                    maps.AddRange(apis.Select(e => BpfMap<PolicyKeyAbi, PolicyEntryAbi>.OpenPinned(
                        Path.Combine(cluster.Names.BpffsDirectory, PolicyDatapath.PolicyMapName(e.Id)))));
                }
                var enforced = await WaitForEntryAsync(maps, key, sw);
                if (run > 0)
                {
                    applyMs.Add(applied);
                    enforcedMs.Add(enforced);
                }
            }

            Console.WriteLine($"policy apply -> enforced, {pods} pods in {s_namespaces.Length} namespaces, CNP selecting {apis.Count} api pods, {runs} applies:");
            Console.WriteLine($"  ApplyAsync returned:            {Stats.Summary(applyMs)}");
            Console.WriteLine($"  entries in all kernel maps:     {Stats.Summary(enforcedMs)}");
            var already = applyMs.Zip(enforcedMs).Count(p => p.Second - p.First < 0.05);
            Console.WriteLine($"  entries already there when ApplyAsync returned: {already}/{runs} runs");
            Console.WriteLine($"  load: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            foreach (var m in maps)
            {
                m.Dispose();
            }
            await backend.DestroyAsync(cluster.Name, CancellationToken.None);
            BenchOptions.RemoveRoots(options);
        }
    }

    /// <summary>Polls the pinned maps until every one holds the key; milliseconds since the stopwatch started.</summary>
    private static async Task<double> WaitForEntryAsync(List<BpfMap<PolicyKeyAbi, PolicyEntryAbi>> maps, PolicyKeyAbi key, Stopwatch sw)
    {
        var pending = maps.ToList();
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            pending.RemoveAll(m => m.TryLookup(key, out var e) && !e.Deny);
            if (pending.Count == 0)
            {
                return sw.Elapsed.TotalMilliseconds;
            }
            await Task.Yield();
        }
        throw new TimeoutException($"{pending.Count} of {maps.Count} policy maps still lack {key} after 10 s");
    }

    private static string Policy(ushort port) => $$$"""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: api-from-web, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: api}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: web}}]
            toPorts: [{ports: [{port: "{{{port}}}", protocol: TCP}]}]
        """;

    /// <summary>Namespaces and pods (busybox: the built-in client workload, no server to start) spread round-robin.</summary>
    private static string Manifest(int pods)
    {
        var sb = new StringBuilder();
        foreach (var ns in s_namespaces)
        {
            sb.Append(CultureInfo.InvariantCulture, $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n---\n");
        }
        for (var i = 0; i < pods; i++)
        {
            var ns = s_namespaces[i % s_namespaces.Length];
            var app = s_apps[(i / s_namespaces.Length) % s_apps.Length];
            sb.Append(CultureInfo.InvariantCulture, $$$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: {{{app}}}-{{{i}}}, namespace: {{{ns}}}, labels: {app: {{{app}}}}}
                spec:
                  containers: [{name: main, image: busybox}]
                ---

                """);
        }
        return sb.ToString();
    }
}

using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Benchmarks.Policy;

/// <summary>
/// Policy compilation for a big lab: 100 pods (10 apps × 10 replicas), 20 CNPs each letting two apps into a third
/// on a port. Full = everything from scratch; Incremental = re-applying one changed policy.
/// </summary>
[MemoryDiagnoser]
public class PolicyCompileBenchmarks
{
    private readonly List<EndpointInfo> _pods = [];
    private readonly List<ParsedPolicy> _policies = [];
    private PolicyEngine _warm = null!;
    private ParsedPolicy _changed = null!;
    private int _flip;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 100; i++)
        {
            var labels = IdentityLabels.ForPod("default", new Dictionary<string, string> { ["app"] = $"app{i % 10}", ["pod-template-hash"] = $"h{i}" });
            _pods.Add(new EndpointInfo(new EndpointId((ushort)(i + 1)), "default", $"pod{i}", labels, []));
        }
        for (var p = 0; p < 20; p++)
        {
            _policies.Add(PolicyParser.Parse(Cnp($"p{p}", $"app{p % 10}", $"app{(p + 1) % 10}", $"app{(p + 2) % 10}", 8000 + p)));
        }
        _changed = PolicyParser.Parse(Cnp("p0", "app0", "app5", "app6", 9999));
        _warm = Full();
    }

    private static KubeObject Cnp(string name, string subject, string peerA, string peerB, int port) => new(new JsonObject
    {
        ["kind"] = "CiliumNetworkPolicy",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["endpointSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = subject } },
            ["ingress"] = new JsonArray(new JsonObject
            {
                ["fromEndpoints"] = new JsonArray(
                    new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = peerA } },
                    new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = peerB } }),
                ["toPorts"] = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["protocol"] = "TCP" }) }),
            }),
        },
    });

    [Benchmark(Baseline = true)]
    public PolicyEngine Full()
    {
        var engine = new PolicyEngine(new IdentityAllocator());
        foreach (var p in _pods)
        {
            engine.Upsert(p);
        }
        foreach (var p in _policies)
        {
            engine.Upsert(p);
        }
        return engine;
    }

    [Benchmark]
    public int Incremental() => _warm.Upsert((_flip++ & 1) == 0 ? _changed : _policies[0]).Count;
}

using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns;
using LabSite.Grader.Evaluation;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model.Checks;

// Usage (root), from the repository root:
//   dotnet run -c Release --project bench/LabSite.GraderBench -- [runs=50] [lab=content/labs/starwars]
// Creates a netns cluster with the lab's manifests and rule1, fills the flow ring with real traffic, then evaluates
// every non-answer check of the lab `runs` times and prints p50/p95 per check kind (probes run real curl, so they
// measure the request too).
var runs = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 50;
var labDir = args.Length > 1 ? args[1] : "content/labs/starwars";
var ct = CancellationToken.None;

var loaded = LabLoader.Load(labDir);
if (loaded.Lab is not { } lab)
{
    Console.Error.WriteLine(string.Join("\n", loaded.Diagnostics));
    return 1;
}

const string prefix = "gb";
var options = new NetnsOptions
{
    NamePrefix = prefix,
    BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}",
    CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}",
    RunDirectory = $"/run/labsite-{prefix}",
};
var backend = new NetnsBackend(options);
await backend.StartAsync(ct);
var cluster = await backend.CreateAsync(new ClusterRequest("graderbench", lab.Id), null, ct);
try
{
    foreach (var file in new[] { "http-sw-app.yaml", "sw_l3_l4_policy.yaml" })
    {
        var path = Path.Combine(labDir, "manifests", file);
        var applied = await cluster.ApplyAsync(new ManifestText(await File.ReadAllTextAsync(path, ct), path), ApplyMode.Create, ct);
        if (!applied.Succeeded)
        {
            throw new InvalidOperationException($"{path}: {string.Join("; ", applied.Errors)}");
        }
        await cluster.WaitUntilSettledAsync(ct);
    }

    var fill = Stopwatch.StartNew();
    var requests = await FillRingAsync(cluster, ct);
    var ring = (await cluster.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, Last: null, All: true), ct)).Count;
    Console.WriteLine($"flow ring: {ring} flows after {requests} requests ({fill.Elapsed.TotalSeconds:0.0} s)");

    var evaluator = new CheckEvaluator();
    var start = DateTimeOffset.UtcNow.AddHours(-1);
    var context = new CheckContext(cluster, start, start);
    var checks = lab.Steps.SelectMany(s => s.Checks).Where(c => c is not AnswerCheck).ToList();
    var byKind = new Dictionary<string, List<double>>();
    foreach (var check in checks)
    {
        await evaluator.EvaluateAsync(check, context, ct); // warm-up
    }
    for (var i = 0; i < runs; i++)
    {
        foreach (var check in checks)
        {
            var sw = Stopwatch.StartNew();
            await evaluator.EvaluateAsync(check, context, ct);
            var kind = check.GetType().Name;
            if (!byKind.TryGetValue(kind, out var list))
            {
                byKind[kind] = list = [];
            }
            list.Add(sw.Elapsed.TotalMilliseconds);
        }
    }
    foreach (var (kind, ms) in byKind.OrderBy(k => k.Key, StringComparer.Ordinal))
    {
        Console.WriteLine($"{kind,-16} n={ms.Count,4}  {Summary(ms)}");
    }
    return 0;
}
finally
{
    await backend.DestroyAsync(cluster.Name, CancellationToken.None);
    foreach (var root in new[] { options.BpffsRoot, options.CgroupRoot, options.RunDirectory })
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root);
        }
    }
}

// Landings from the TIE fighter (allowed) and a few from the X-wing (dropped) until the ring holds 4095 flows;
// bounded so a datapath that emits no flows cannot loop forever.
static async Task<int> FillRingAsync(NetnsCluster cluster, CancellationToken ct)
{
    var url = "deathstar.default.svc.cluster.local/v1/request-landing";
    for (var i = 1; i <= 3000; i++)
    {
        var ship = i % 100 == 0 ? "xwing" : "tiefighter";
        await cluster.ExecAsync(new ExecRequest("default", ship, ["curl", "-s", "--connect-timeout", "1", "-XPOST", url]), new ExecStreams(Stream.Null, Stream.Null), ct);
        if (i % 50 == 0 && (await cluster.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, Last: null, All: true), ct)).Count >= FlowRing.DefaultCapacity)
        {
            return i;
        }
    }
    return 3000;
}

static string Summary(List<double> ms)
{
    var sorted = ms.Order().ToList();
    double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return $"p50 {P(0.50):0.00} ms, p95 {P(0.95):0.00} ms, max {sorted[^1]:0.00} ms";
}
